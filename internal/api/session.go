package api

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"

	"github.com/facetriage/facetriage/internal/auth"
)

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
	// Code is the one-time code of an account with a second factor.
	Code string `json:"code"`
}

type sessionInfo struct {
	User string `json:"user"`
	Role string `json:"role"`
	CSRF string `json:"csrf,omitempty"`
	Via  string `json:"via"`
	// MustEnrol: the role must use a second factor and has none yet; only
	// setting one up is open.
	MustEnrol bool `json:"must_enrol,omitempty"`
}

// Login checks a name and password (throttled per client address) and on
// success sets the session cookie. Shared by the API and the login page.
func (d *Deps) Login(w http.ResponseWriter, r *http.Request, name, password, code string) (sessionInfo, error) {
	if !d.logins.allow(r) {
		return sessionInfo{}, ErrTooManyLogins
	}
	sess, err := d.Accounts.Login(r.Context(), name, password, code, r.RemoteAddr)
	if err != nil {
		return sessionInfo{}, err
	}
	auth.SetSessionCookie(w, sess, d.Secure)
	return sessionInfo{User: sess.User, Role: string(sess.Role), CSRF: sess.CSRF, Via: auth.ViaSession, MustEnrol: sess.MustEnrol}, nil
}

// login takes only application/json: a form another site makes a browser
// send (text/plain, urlencoded, multipart) cannot log it in to an account
// of the attacker's (login CSRF), since a JSON body needs a preflight.
func (d *Deps) login(w http.ResponseWriter, r *http.Request) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		d.fail(w, fmt.Errorf("%w: send the login as application/json", ErrMediaType))
		return
	}
	var req loginRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		d.fail(w, fmt.Errorf("%w: want {\"name\", \"password\"}", ErrBadRequest))
		return
	}
	info, err := d.Login(w, r, req.Name, req.Password, req.Code)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, info)
}

// Logout ends the request's session (a token stays valid).
func (d *Deps) Logout(w http.ResponseWriter, r *http.Request) error {
	id, _ := IdentityOf(r)
	sid := ""
	if id.Session != nil {
		sid = id.Session.ID
	}
	if err := d.Accounts.Logout(r.Context(), id.Actor(), sid); err != nil {
		return err
	}
	auth.ClearSessionCookie(w, d.Secure)
	return nil
}

func (d *Deps) logout(w http.ResponseWriter, r *http.Request) {
	if err := d.Logout(w, r); err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, loggedOut{Status: "logged out"})
}

func (d *Deps) me(w http.ResponseWriter, r *http.Request) {
	id, _ := IdentityOf(r)
	info := sessionInfo{User: id.Name, Role: string(id.Role), Via: id.Via}
	if id.Session != nil {
		info.CSRF, info.MustEnrol = id.Session.CSRF, id.Session.MustEnrol
	}
	writeJSON(w, http.StatusOK, info)
}

func (d *Deps) beginTOTP(w http.ResponseWriter, r *http.Request) {
	e, err := d.Accounts.BeginTOTP(r.Context(), ActorOf(r))
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, totpSetup{Secret: e.Secret, URL: e.URL,
		Next: "add it to an authenticator app, then POST a code to /api/v1/account/totp/confirm"})
}

func (d *Deps) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	var body codeRequest
	if err := decodeJSON(r, &body); err != nil {
		d.fail(w, err)
		return
	}
	if err := d.Accounts.ConfirmTOTP(r.Context(), ActorOf(r), body.Code); err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, totpState{TOTP: true})
}

func (d *Deps) resetTOTP(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := d.Accounts.ResetTOTP(r.Context(), ActorOf(r), name); err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, totpState{Name: name, TOTP: false})
}
