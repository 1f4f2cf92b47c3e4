package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/auth"
)

// loginCookie carries the login form's double-submit token: the login form
// has no session yet, so this token keeps other sites from logging a
// browser in to an account of theirs (login CSRF).
const loginCookie = "ft_login"

var loginTokenLen = base64.RawURLEncoding.EncodedLen(24)

// home sends each role to its start page. Its route is the mux's
// catch-all, so that unknown paths get a page too.
func (u *ui) home(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		u.fail(w, r, errNoPage)
		return
	}
	id, _ := api.IdentityOf(r)
	to := "/cases"
	switch id.Role {
	case auth.RoleAdmin:
		to = "/admin"
	case auth.RoleIngest: // batch jobs: its tokens are made on the account page
		to = "/account"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

type loginData struct{ Name string }

func (u *ui) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, err := u.d.Auth.Identify(r); err == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	u.showLogin(w, r, http.StatusOK, "", "")
}

func (u *ui) showLogin(w http.ResponseWriter, r *http.Request, status int, name, errKey string) {
	v := u.newView(w, r, "login.title")
	// Keep the browser's token if it has one: another tab, or a request
	// for a missing asset sent here, must not invalidate an open form.
	if c, err := r.Cookie(loginCookie); err == nil && len(c.Value) == loginTokenLen {
		v.CSRF = c.Value
	} else {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		v.CSRF = base64.RawURLEncoding.EncodeToString(b)
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: v.CSRF, Path: LoginPath, MaxAge: 3600,
		HttpOnly: true, Secure: u.d.Secure, SameSite: http.SameSiteStrictMode})
	if errKey != "" {
		v.Error = v.T("err." + errKey)
	}
	v.Data = loginData{Name: name}
	u.render(w, status, "login", v)
}

func (u *ui) loginPost(w http.ResponseWriter, r *http.Request) {
	name, pw := r.PostFormValue("name"), r.PostFormValue("password")
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue(auth.CSRFField))) != 1 {
		u.showLogin(w, r, http.StatusBadRequest, name, "login_expired")
		return
	}
	if _, err := u.d.Login(w, r, name, pw, strings.TrimSpace(r.PostFormValue("code"))); err != nil {
		status, key := errorKey(err)
		switch {
		case errors.Is(err, auth.ErrBadCredentials), errors.Is(err, auth.ErrLocked), errors.Is(err, api.ErrTooManyLogins):
		case status >= http.StatusInternalServerError:
			u.d.Log.Error("web: login failed", "kind", key, "err", err)
		default:
			u.d.Log.Error("web: login failed", "err", err)
			status, key = http.StatusInternalServerError, "internal"
		}
		u.showLogin(w, r, status, name, key)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Path: LoginPath, MaxAge: -1, HttpOnly: true, Secure: u.d.Secure, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (u *ui) logoutPost(w http.ResponseWriter, r *http.Request) {
	if err := u.d.Logout(w, r); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, LoginPath, http.StatusSeeOther)
}
