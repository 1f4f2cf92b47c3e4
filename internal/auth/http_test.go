package auth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// identified is Identify's result.
type identified struct {
	Identity
	err error
}

// identify runs Identify on a GET / that edit prepares.
func identify(t *testing.T, s *Store, edit func(r *http.Request)) identified {
	t.Helper()
	r := httptest.NewRequestWithContext(ctx(t), http.MethodGet, "/", nil)
	edit(r)
	id, err := s.Identify(r)
	return identified{id, err}
}

func withCookie(id string) func(r *http.Request) {
	return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: CookieName, Value: id}) }
}

func TestIdentify(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleReviewer)
	sess := mustLogin(t, s, "alice")

	id := identify(t, s, withCookie(sess.ID))
	if id.err != nil {
		t.Fatal(id.err)
	}
	if id.Name != "alice" || id.Role != RoleReviewer || id.Via != ViaSession || id.Session == nil || *id.Session != sess || id.Token != nil {
		t.Fatalf("identity %+v", id.Identity)
	}
	for name, edit := range map[string]func(r *http.Request){
		"nothing":          func(*http.Request) {},
		"bad cookie":       withCookie("nonsense"),
		"other cookie":     func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "session", Value: sess.ID}) },
		"basic auth":       func(r *http.Request) { r.SetBasicAuth("alice", pw) },
		"bearer, no token": func(r *http.Request) { r.Header.Set("Authorization", "Bearer") },
		"session as bearer": func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+sess.ID)
		},
		// A bad token is not rescued by a good cookie.
		"bad bearer and good cookie": func(r *http.Request) {
			withCookie(sess.ID)(r)
			r.Header.Set("Authorization", "Bearer ft_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
		},
	} {
		if id := identify(t, s, edit); !errors.Is(id.err, ErrUnauthenticated) || id.Identity != (Identity{}) {
			t.Errorf("%s: %+v %v, want ErrUnauthenticated", name, id.Identity, id.err)
		}
	}
	if err := s.Logout(ctx(t), sess.ID); err != nil {
		t.Fatal(err)
	}
	if id := identify(t, s, withCookie(sess.ID)); !errors.Is(id.err, ErrUnauthenticated) || !errors.Is(id.err, ErrNoSession) {
		t.Fatalf("after logout: %v", id.err)
	}
}

func TestCheckCSRF(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleCaseworker)
	sess := mustLogin(t, s, "alice")
	id := identify(t, s, withCookie(sess.ID))
	if id.err != nil {
		t.Fatal(id.err)
	}
	secret, _, err := s.CreateToken(ctx(t), "alice", "robot", 0)
	if err != nil {
		t.Fatal(err)
	}
	tokID := identify(t, s, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) })
	if tokID.err != nil {
		t.Fatal(tokID.err)
	}
	wrong := strings.Repeat("A", len(sess.CSRF))
	form := func(v string) string { return url.Values{CSRFField: {v}, "note": {"x"}}.Encode() }

	for _, tc := range []struct {
		name, method, header, body string
		who                        Identity
		ok                         bool
	}{
		{"POST, no token", http.MethodPost, "", "", id.Identity, false},
		{"POST, wrong header", http.MethodPost, wrong, "", id.Identity, false},
		{"POST, prefix of the token", http.MethodPost, sess.CSRF[:20], "", id.Identity, false},
		{"POST, right header", http.MethodPost, sess.CSRF, "", id.Identity, true},
		{"POST, right form field", http.MethodPost, "", form(sess.CSRF), id.Identity, true},
		{"POST, wrong form field", http.MethodPost, "", form(wrong), id.Identity, false},
		{"POST, wrong header, right form", http.MethodPost, wrong, form(sess.CSRF), id.Identity, false},
		{"PUT, no token", http.MethodPut, "", "", id.Identity, false},
		{"PATCH, no token", http.MethodPatch, "", "", id.Identity, false},
		{"DELETE, no token", http.MethodDelete, "", "", id.Identity, false},
		{"DELETE, right header", http.MethodDelete, sess.CSRF, "", id.Identity, true},
		{"odd method, no token", "PURGE", "", "", id.Identity, false},
		{"GET, no token", http.MethodGet, "", "", id.Identity, true},
		{"HEAD, no token", http.MethodHead, "", "", id.Identity, true},
		{"POST, bearer token", http.MethodPost, "", "", tokID.Identity, true},
		{"DELETE, bearer token", http.MethodDelete, "", "", tokID.Identity, true},
		{"POST, no identity", http.MethodPost, "", "", Identity{}, false},
		{"POST, session without session", http.MethodPost, "", "", Identity{Via: ViaSession}, false},
		{"POST, empty CSRF on both sides", http.MethodPost, "", "", Identity{Via: ViaSession, Session: &Session{}}, false},
	} {
		r := httptest.NewRequest(tc.method, "/cases/1", strings.NewReader(tc.body))
		if tc.body != "" {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if tc.header != "" {
			r.Header.Set(CSRFHeader, tc.header)
		}
		err := CheckCSRF(r, tc.who)
		if tc.ok != (err == nil) || (err != nil && !errors.Is(err, ErrCSRF)) {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
	// The token in the URL does not count: URLs end up in logs.
	r := httptest.NewRequest(http.MethodPost, "/cases/1?csrf="+url.QueryEscape(sess.CSRF), nil)
	if err := CheckCSRF(r, id.Identity); !errors.Is(err, ErrCSRF) {
		t.Fatalf("token in the query string: %v, want ErrCSRF", err)
	}
}

func TestSessionCookie(t *testing.T) {
	sess := Session{ID: "the-session-id", Expires: time.Date(2025, 3, 1, 21, 0, 0, 0, time.UTC)}
	for _, secure := range []bool{false, true} {
		w := httptest.NewRecorder()
		SetSessionCookie(w, sess, secure)
		cs := w.Result().Cookies()
		if len(cs) != 1 {
			t.Fatalf("cookies %v", cs)
		}
		c := cs[0]
		if c.Name != CookieName || c.Value != sess.ID || c.Path != "/" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode ||
			c.Secure != secure || !c.Expires.Equal(sess.Expires) {
			t.Fatalf("secure=%v: cookie %+v", secure, c)
		}
		h := w.Header().Get("Set-Cookie")
		if !strings.Contains(h, "HttpOnly") || !strings.Contains(h, "SameSite=Strict") || strings.Contains(h, "Secure") != secure {
			t.Fatalf("Set-Cookie %q", h)
		}

		w = httptest.NewRecorder()
		ClearSessionCookie(w, secure)
		c = w.Result().Cookies()[0]
		if c.Name != CookieName || c.Value != "" || c.MaxAge >= 0 || c.Path != "/" || !c.HttpOnly || c.Secure != secure {
			t.Fatalf("secure=%v: clearing cookie %+v", secure, c)
		}
	}
}
