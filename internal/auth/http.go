package auth

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// CookieName is the session cookie.
const CookieName = "ft_session"

// CSRFHeader and CSRFField carry the CSRF token of unsafe requests.
const (
	CSRFHeader = "X-CSRF-Token"
	CSRFField  = "csrf"
)

// Identify says who made a request: the token of an "Authorization:
// Bearer" header if there is one (a bad one is not replaced by the
// cookie), else the session of the CookieName cookie. It fails with
// ErrUnauthenticated (wrapping ErrNoToken or ErrNoSession) when there is
// neither or it is invalid; any other error is the store's failure.
func (s *Store) Identify(r *http.Request) (Identity, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, secret, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return Identity{}, fmt.Errorf("%w: not a bearer token", ErrUnauthenticated)
		}
		t, err := s.tokenOf(ctx, strings.TrimSpace(secret))
		if errors.Is(err, ErrNoToken) {
			return Identity{}, fmt.Errorf("%w: %w", ErrUnauthenticated, err)
		}
		if err != nil {
			return Identity{}, err
		}
		return Identity{Name: t.Owner, Role: t.Role, Via: ViaToken, Token: &t}, nil
	}
	c, err := r.Cookie(CookieName)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: no session cookie or bearer token", ErrUnauthenticated)
	}
	sess, err := s.Session(ctx, c.Value)
	if errors.Is(err, ErrNoSession) {
		return Identity{}, fmt.Errorf("%w: %w", ErrUnauthenticated, err)
	}
	if err != nil {
		return Identity{}, err
	}
	return Identity{Name: sess.User, Role: sess.Role, Via: ViaSession, Session: &sess}, nil
}

// CheckCSRF returns ErrCSRF for a request that may change state (any
// method but GET, HEAD, OPTIONS and TRACE) made on a session, unless its
// CSRFHeader header, or else its CSRFField form field (body only, never
// the URL), is the session's CSRF token. Bearer tokens are exempt, since
// browsers never send them by themselves. Any other identity (the zero
// one included) fails closed.
func CheckCSRF(r *http.Request, id Identity) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return nil
	}
	if id.Via == ViaToken && id.Token != nil {
		return nil
	}
	if id.Via != ViaSession || id.Session == nil || id.Session.CSRF == "" {
		return fmt.Errorf("%w: no session", ErrCSRF)
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		got = r.PostFormValue(CSRFField)
	}
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(id.Session.CSRF)) != 1 {
		return ErrCSRF
	}
	return nil
}

// SetSessionCookie sends the session's cookie: HttpOnly, SameSite=Strict,
// for the whole site, until the session expires; Secure when secure (set
// it whenever the site is served over TLS).
func SetSessionCookie(w http.ResponseWriter, sess Session, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name:     CookieName,
		Value:    sess.ID,
		Path:     "/",
		Expires:  sess.Expires,
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteStrictMode,
	})
}

// ClearSessionCookie tells the browser to drop the session cookie.
func ClearSessionCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name:     CookieName,
		Value:    "",
		Path:     "/",
		Expires:  time.Unix(0, 0),
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteStrictMode,
	})
}
