package web

import (
	"net/http"
	"strings"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
)

type adminData struct {
	Users  []auth.User
	Tokens []auth.Token
	Roles  []auth.Role
	// Secret is a new token's secret, shown once.
	Secret      string
	SecretLabel string
	// The add-account form's values, kept after an error.
	Name, Role string
}

func (u *ui) adminPage(w http.ResponseWriter, r *http.Request) {
	u.showAdmin(w, r, http.StatusOK, adminData{}, "")
}

func (u *ui) showAdmin(w http.ResponseWriter, r *http.Request, status int, d adminData, errKey string) {
	var err error
	if d.Users, err = u.d.Auth.Users(r.Context()); err != nil {
		u.fail(w, r, err)
		return
	}
	if d.Tokens, err = u.d.Auth.Tokens(r.Context()); err != nil {
		u.fail(w, r, err)
		return
	}
	d.Roles = auth.Roles
	v := u.newView(w, r, "admin.title")
	if errKey != "" {
		v.Error = v.T("err." + errKey)
	}
	v.Data = d
	u.render(w, status, "admin", v)
}

func (u *ui) addUser(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	name, role := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("role")
	if err := u.d.AddUser(r, name, role, r.PostFormValue("password")); err != nil {
		status, key := errorKey(err)
		if status == http.StatusInternalServerError {
			u.fail(w, r, err)
			return
		}
		u.showAdmin(w, r, status, adminData{Name: name, Role: role}, key)
		return
	}
	back(w, r, "/admin", "msg", "user_added")
}

// createToken makes an API token and shows its secret once, in this
// response only (never in a URL).
func (u *ui) createToken(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	label, role := strings.TrimSpace(r.PostFormValue("label")), r.PostFormValue("role")
	rl, err := auth.ParseRole(role)
	if err != nil {
		u.showAdmin(w, r, http.StatusBadRequest, adminData{}, "bad_role")
		return
	}
	if label == "" || len(label) > 200 {
		u.showAdmin(w, r, http.StatusBadRequest, adminData{}, "label_required")
		return
	}
	a := api.ActorOf(r)
	secret, t, err := u.d.Auth.CreateToken(r.Context(), label, rl, a.Name)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if _, err := u.d.Audit.Append(r.Context(), audit.Event{Actor: a.Name, Role: a.Role, Action: "token_create", Object: t.ID,
		Detail: map[string]string{"label": label, "role": role}}); err != nil {
		u.fail(w, r, err)
		return
	}
	u.showAdmin(w, r, http.StatusOK, adminData{Secret: secret, SecretLabel: t.Label}, "")
}
