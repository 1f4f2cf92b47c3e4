package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
)

// ErrTooManyLogins: too many login attempts from one address.
var ErrTooManyLogins = errors.New("too many login attempts from this address: wait a minute")

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

type sessionInfo struct {
	User string `json:"user"`
	Role string `json:"role"`
	CSRF string `json:"csrf,omitempty"`
	Via  string `json:"via"`
}

// Login checks a name and password, audits the attempt, and on success
// sets the session cookie. Shared by the API and the login page.
func (d *Deps) Login(w http.ResponseWriter, r *http.Request, name, password string) (sessionInfo, error) {
	if !d.logins.allow(r) {
		return sessionInfo{}, ErrTooManyLogins
	}
	sess, err := d.Auth.Login(r.Context(), name, password)
	actor := name
	if strings.TrimSpace(actor) == "" {
		actor = "(no name given)"
	}
	ev := audit.Event{Actor: actor, Action: "login", Detail: map[string]string{"remote": r.RemoteAddr}}
	if err != nil {
		ev.Action, ev.Detail["error"] = "login_failed", err.Error()
	} else {
		ev.Role = string(sess.Role)
	}
	if _, aerr := d.Audit.Append(r.Context(), ev); aerr != nil {
		return sessionInfo{}, aerr
	}
	if err != nil {
		return sessionInfo{}, err
	}
	auth.SetSessionCookie(w, sess, d.Secure)
	return sessionInfo{User: sess.User, Role: string(sess.Role), CSRF: sess.CSRF, Via: "session"}, nil
}

func (d *Deps) login(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "want {\"name\", \"password\"}", "invalid")
		return
	}
	info, err := d.Login(w, r, req.Name, req.Password)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

// Logout ends the request's session (a token stays valid).
func (d *Deps) Logout(w http.ResponseWriter, r *http.Request) error {
	id, _ := IdentityOf(r)
	if id.Session != nil {
		if err := d.Auth.Logout(r.Context(), id.Session.ID); err != nil {
			return err
		}
	}
	auth.ClearSessionCookie(w, d.Secure)
	_, err := d.Audit.Append(r.Context(), audit.Event{Actor: id.Name, Role: string(id.Role), Action: "logout"})
	return err
}

func (d *Deps) logout(w http.ResponseWriter, r *http.Request) {
	if err := d.Logout(w, r); err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "logged out"})
}

func (d *Deps) me(w http.ResponseWriter, r *http.Request) {
	id, _ := IdentityOf(r)
	info := sessionInfo{User: id.Name, Role: string(id.Role), Via: id.Via}
	if id.Session != nil {
		info.CSRF = id.Session.CSRF
	}
	writeJSON(w, http.StatusOK, info)
}
