package web

import (
	"bytes"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/auth"
)

// accountData is one's own account page: the second factor and one's API
// tokens.
type accountData struct {
	// TOTP: the second factor is on; Enrolling: one is being set up;
	// MustEnrol: the role needs one and there is none yet.
	TOTP, Enrolling, MustEnrol bool
	Secret32                   string // the secret being set up, for typing in
	Tokens                     []auth.Token
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
	id, _ := api.IdentityOf(r)
	me, err := u.d.Auth.Account(r.Context(), a.Name)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d.TOTP, d.MustEnrol = me.TOTP, id.Session != nil && id.Session.MustEnrol
	if e, err := u.d.Accounts.PendingTOTP(r.Context(), a); err == nil {
		d.Enrolling, d.Secret32 = true, e.Secret
	}
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

// accountFail shows the account page again with the error's message, or
// the error page when it is not one a person can act on.
func (u *ui) accountFail(w http.ResponseWriter, r *http.Request, err error) {
	status, key := errorKey(err)
	if status == http.StatusInternalServerError {
		u.fail(w, r, err)
		return
	}
	u.showAccount(w, r, status, accountData{}, key)
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
		u.accountFail(w, r, err)
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

// beginTOTP starts setting up a second factor and shows its QR code.
func (u *ui) beginTOTP(w http.ResponseWriter, r *http.Request) {
	if _, err := u.d.Accounts.BeginTOTP(r.Context(), api.ActorOf(r)); err != nil {
		u.fail(w, r, err)
		return
	}
	back(w, r, "/account#totp", "msg", "totp_begun")
}

// totpQR is the QR code of the second factor being set up, for its owner.
func (u *ui) totpQR(w http.ResponseWriter, r *http.Request) {
	e, err := u.d.Accounts.PendingTOTP(r.Context(), api.ActorOf(r))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	img, err := e.QR(240)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		u.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = b.WriteTo(w)
}

// confirmTOTP turns the second factor on with a code from the app.
func (u *ui) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	if err := u.d.Accounts.ConfirmTOTP(r.Context(), api.ActorOf(r), strings.TrimSpace(r.PostFormValue("code"))); err != nil {
		u.accountFail(w, r, err)
		return
	}
	back(w, r, "/account", "msg", "totp_on")
}
