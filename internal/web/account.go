package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/auth"
)

// accountData is one's own account page: one's API tokens.
type accountData struct {
	Tokens []auth.Token
	// Secret is a new token's secret, shown once.
	Secret      string
	SecretLabel string
	DefaultDays int
	MaxDays     int
}

func (u *ui) accountPage(w http.ResponseWriter, r *http.Request) {
	u.showAccount(w, r, http.StatusOK, accountData{}, "")
}

func (u *ui) showAccount(w http.ResponseWriter, r *http.Request, status int, d accountData, errKey string) {
	a := api.ActorOf(r)
	ts, err := u.d.Accounts.Tokens(r.Context(), a)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	for _, t := range ts {
		if t.Owner == a.Name {
			d.Tokens = append(d.Tokens, t)
		}
	}
	d.DefaultDays, d.MaxDays = int(auth.DefaultTokenTTL/(24*time.Hour)), int(auth.MaxTokenTTL/(24*time.Hour))
	v := u.newView(w, r, "account.title")
	if errKey != "" {
		v.Error = v.T("err." + errKey)
	}
	v.Data = d
	u.render(w, status, "account", v)
}

// createToken makes an API token acting for the user, and shows its
// secret once, in this response only (never in a URL).
func (u *ui) createToken(w http.ResponseWriter, r *http.Request) {
	label := strings.TrimSpace(r.PostFormValue("label"))
	days, err := strconv.Atoi(r.PostFormValue("days"))
	if err != nil {
		days = 0
	}
	secret, t, err := u.d.Accounts.CreateToken(r.Context(), api.ActorOf(r), label, time.Duration(days)*24*time.Hour)
	if err != nil {
		status, key := errorKey(err)
		if status == http.StatusInternalServerError {
			u.fail(w, r, err)
			return
		}
		u.showAccount(w, r, status, accountData{}, key)
		return
	}
	u.showAccount(w, r, http.StatusOK, accountData{Secret: secret, SecretLabel: t.Label}, "")
}

// revokeToken revokes one of the user's own tokens.
func (u *ui) revokeToken(w http.ResponseWriter, r *http.Request) {
	if err := u.d.Accounts.RevokeToken(r.Context(), api.ActorOf(r), r.PathValue("token")); err != nil {
		u.fail(w, r, err)
		return
	}
	back(w, r, "/account", "msg", "token_revoked")
}
