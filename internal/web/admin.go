package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/auth"
)

// defaultRole is the role the add-account form starts on: the least
// privileged, so that a slip of the hand makes a reviewer, never an
// administrator.
const defaultRole = auth.RoleReviewer

type adminData struct {
	Users  []auth.User
	Tokens []auth.Token
	Roles  []auth.Role
	// The add-account form's values, kept after an error.
	Name, Role string
}

func (u *ui) adminPage(w http.ResponseWriter, r *http.Request) {
	u.showAdmin(w, r, http.StatusOK, adminData{}, "")
}

func (u *ui) showAdmin(w http.ResponseWriter, r *http.Request, status int, d adminData, errKey string) {
	a := api.ActorOf(r)
	var err error
	if d.Users, err = u.d.Accounts.Users(r.Context(), a); err != nil {
		u.fail(w, r, err)
		return
	}
	if d.Tokens, err = u.d.Accounts.Tokens(r.Context(), a); err != nil {
		u.fail(w, r, err)
		return
	}
	d.Roles = slices.Clone(auth.Roles)
	slices.Reverse(d.Roles) // the least privileged first, the administrator last
	if d.Role == "" {
		d.Role = string(defaultRole)
	}
	v := u.newView(w, r, "admin.title")
	if errKey != "" {
		v.Error = v.T("err." + errKey)
	}
	v.Data = d
	u.render(w, status, "admin", v)
}

// adminFail shows the admin page again with the error's message, or the
// error page when it is not one a person can act on.
func (u *ui) adminFail(w http.ResponseWriter, r *http.Request, err error, d adminData) {
	status, key := errorKey(err)
	if status == http.StatusInternalServerError {
		u.fail(w, r, err)
		return
	}
	u.showAdmin(w, r, status, d, key)
}

func (u *ui) addUser(w http.ResponseWriter, r *http.Request) {
	name, role := strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("role")
	if err := u.d.Accounts.AddUser(r.Context(), api.ActorOf(r), name, auth.Role(role), r.PostFormValue("password")); err != nil {
		u.adminFail(w, r, err, adminData{Name: name, Role: role})
		return
	}
	back(w, r, "/admin", "msg", "user_added")
}

// userPost disables, enables or unlocks an account.
func (u *ui) userPost(w http.ResponseWriter, r *http.Request) {
	name, a := r.PathValue("name"), api.ActorOf(r)
	var err error
	msg := r.PostFormValue("do")
	switch msg {
	case "disable", "enable":
		err = u.d.Accounts.SetDisabled(r.Context(), a, name, msg == "disable")
	case "unlock":
		err = u.d.Accounts.Unlock(r.Context(), a, name)
	case "reset_totp":
		err = u.d.Accounts.ResetTOTP(r.Context(), a, name)
	default:
		err = api.ErrBadRequest
	}
	if err != nil {
		u.adminFail(w, r, err, adminData{})
		return
	}
	back(w, r, "/admin", "msg", "user_"+msg)
}

// adminRevoke revokes any token.
func (u *ui) adminRevoke(w http.ResponseWriter, r *http.Request) {
	if err := u.d.Accounts.RevokeToken(r.Context(), api.ActorOf(r), r.PathValue("token")); err != nil {
		u.adminFail(w, r, err, adminData{})
		return
	}
	back(w, r, "/admin#h-tokens", "msg", "token_revoked")
}
