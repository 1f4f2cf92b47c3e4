package api

import (
	"net/http"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
)

func (d *Deps) auditAdmin(r *http.Request, action, object string, detail map[string]string) error {
	a := ActorOf(r)
	_, err := d.Audit.Append(r.Context(), audit.Event{Actor: a.Name, Role: a.Role, Action: action, Object: object, Detail: detail})
	return err
}

type userView struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Disabled bool   `json:"disabled"`
}

func (d *Deps) listUsers(w http.ResponseWriter, r *http.Request) {
	us, err := d.Auth.Users(r.Context())
	if err != nil {
		d.fail(w, err)
		return
	}
	out := make([]userView, 0, len(us))
	for _, u := range us {
		out = append(out, userView{u.Name, string(u.Role), u.Disabled})
	}
	writeJSON(w, http.StatusOK, out)
}

// AddUser adds an account; shared by the API and the admin page.
func (d *Deps) AddUser(r *http.Request, name, role, password string) error {
	rl, err := auth.ParseRole(role)
	if err != nil {
		return err
	}
	if err := d.Auth.AddUser(r.Context(), name, rl, password); err != nil {
		return err
	}
	return d.auditAdmin(r, "user_add", name, map[string]string{"role": role})
}

func (d *Deps) addUser(w http.ResponseWriter, r *http.Request) {
	var body struct{ Name, Role, Password string }
	if err := decodeJSON(w, r, &body); err != nil {
		d.fail(w, err)
		return
	}
	if err := d.AddUser(r, body.Name, body.Role, body.Password); err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, userView{Name: body.Name, Role: body.Role})
}

func (d *Deps) setDisabled(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Disabled bool `json:"disabled"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		d.fail(w, err)
		return
	}
	name := r.PathValue("name")
	if err := d.Auth.SetDisabled(r.Context(), name, body.Disabled); err != nil {
		d.fail(w, err)
		return
	}
	action := "user_enable"
	if body.Disabled {
		action = "user_disable"
	}
	if err := d.auditAdmin(r, action, name, nil); err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": name, "disabled": body.Disabled})
}

func (d *Deps) listTokens(w http.ResponseWriter, r *http.Request) {
	ts, err := d.Auth.Tokens(r.Context())
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, ts)
}

func (d *Deps) createToken(w http.ResponseWriter, r *http.Request) {
	var body struct{ Label, Role string }
	if err := decodeJSON(w, r, &body); err != nil {
		d.fail(w, err)
		return
	}
	rl, err := auth.ParseRole(body.Role)
	if err != nil {
		d.fail(w, err)
		return
	}
	if body.Label == "" {
		d.fail(w, cases.ErrInvalid)
		return
	}
	secret, t, err := d.Auth.CreateToken(r.Context(), body.Label, rl, ActorOf(r).Name)
	if err != nil {
		d.fail(w, err)
		return
	}
	if err := d.auditAdmin(r, "token_create", t.ID, map[string]string{"label": body.Label, "role": body.Role}); err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": t, "secret": secret, "note": "the secret is shown once"})
}

func (d *Deps) revokeToken(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := d.Auth.RevokeToken(r.Context(), id); err != nil {
		d.fail(w, err)
		return
	}
	if err := d.auditAdmin(r, "token_revoke", id, nil); err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"revoked": id})
}

func (d *Deps) verifyAudit(w http.ResponseWriter, r *http.Request) {
	rep, err := d.Audit.Verify(r.Context())
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
