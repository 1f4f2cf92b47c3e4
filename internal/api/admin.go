package api

import (
	"net/http"
	"time"

	"github.com/facetriage/facetriage/internal/auth"
)

type userView struct {
	Name        string    `json:"name"`
	Role        auth.Role `json:"role"`
	Disabled    bool      `json:"disabled"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
	TOTP        bool      `json:"totp"`
}

func (d *Deps) listUsers(w http.ResponseWriter, r *http.Request) {
	us, err := d.Accounts.Users(r.Context(), ActorOf(r))
	if err != nil {
		d.fail(w, err)
		return
	}
	out := make([]userView, 0, len(us))
	for _, u := range us {
		out = append(out, userView{u.Name, u.Role, u.Disabled, u.LockedUntil, u.TOTP})
	}
	writeJSON(w, http.StatusOK, out)
}

func (d *Deps) addUser(w http.ResponseWriter, r *http.Request) {
	var body addUserRequest
	if err := decodeJSON(r, &body); err != nil {
		d.fail(w, err)
		return
	}
	if err := d.Accounts.AddUser(r.Context(), ActorOf(r), body.Name, body.Role, body.Password); err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, userView{Name: body.Name, Role: body.Role})
}

func (d *Deps) setDisabled(w http.ResponseWriter, r *http.Request) {
	var body disabledRequest
	if err := decodeJSON(r, &body); err != nil {
		d.fail(w, err)
		return
	}
	name := r.PathValue("name")
	if err := d.Accounts.SetDisabled(r.Context(), ActorOf(r), name, body.Disabled); err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, disabledState{Name: name, Disabled: body.Disabled})
}

func (d *Deps) unlock(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := d.Accounts.Unlock(r.Context(), ActorOf(r), name); err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, unlocked{Name: name, Unlocked: true})
}

func (d *Deps) listTokens(w http.ResponseWriter, r *http.Request) {
	ts, err := d.Accounts.Tokens(r.Context(), ActorOf(r))
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, ts)
}

func (d *Deps) createToken(w http.ResponseWriter, r *http.Request) {
	var body tokenRequest
	if err := decodeJSON(r, &body); err != nil {
		d.fail(w, err)
		return
	}
	secret, t, err := d.Accounts.CreateToken(r.Context(), ActorOf(r), body.Label, time.Duration(body.Days)*24*time.Hour)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, newToken{Token: t, Secret: secret, Note: tokenNote})
}

func (d *Deps) revokeToken(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := d.Accounts.RevokeToken(r.Context(), ActorOf(r), id); err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, revokedToken{Revoked: id})
}

func (d *Deps) verifyAudit(w http.ResponseWriter, r *http.Request) {
	rep, err := d.Audit.Verify(r.Context())
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
