package auth

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func bearer(secret string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) }
}

func TestTokens(t *testing.T) {
	t.Parallel()
	s, c, _ := newStore(t, Options{})
	mustAdd(t, s, "amal", RoleCaseworker)
	mustAdd(t, s, "omar", RoleReviewer)
	secret, tok, err := s.CreateToken(ctx(t), "amal", "ingest robot", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 46 || !strings.HasPrefix(secret, "ft_") || !strings.HasPrefix(secret, "ft_"+tok.ID) || len(tok.ID) != 12 {
		t.Fatalf("secret %q id %q", secret, tok.ID)
	}
	if raw, err := b64url.DecodeString(secret[3:]); err != nil || len(raw) != 32 {
		t.Fatalf("secret is not 32 bytes base64url: %v", err)
	}
	want := Token{ID: tok.ID, Label: "ingest robot", Role: RoleCaseworker, Owner: "amal", Created: c.now(),
		Expires: c.now().Add(DefaultTokenTTL)}
	if tok != want {
		t.Fatalf("token %+v, want %+v", tok, want)
	}

	// Stored as a hash only.
	e, err := s.tokens.Get(ctx(t), tok.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v := string(e.Value()); strings.Contains(v, secret) || strings.Contains(v, secret[3+12:]) || !strings.Contains(v, tokenHash(secret)) {
		t.Fatalf("stored %s", v)
	}

	// It acts for its owner, with the owner's role.
	id := identify(t, s, bearer(secret))
	if id.err != nil {
		t.Fatal(id.err)
	}
	if id.Via != ViaToken || id.Role != RoleCaseworker || id.Name != "amal" || id.Session != nil || id.Token == nil || *id.Token != tok {
		t.Fatalf("identity %+v", id.Identity)
	}
	if a := id.Actor(); a.Name != "amal" || a.Token != tok.ID || a.AuditName() != "token:"+tok.ID {
		t.Fatalf("actor %+v, audit name %s", a, a.AuditName())
	}
	// Lower-case scheme is fine; a tampered secret with the same id is not.
	if id := identify(t, s, func(r *http.Request) { r.Header.Set("Authorization", "bearer "+secret) }); id.err != nil {
		t.Fatal(id.err)
	}
	last := secret[len(secret)-1:]
	tampered := secret[:len(secret)-1] + map[bool]string{true: "B", false: "A"}[last == "A"]
	if id := identify(t, s, bearer(tampered)); !errors.Is(id.err, ErrUnauthenticated) {
		t.Fatalf("tampered secret: %v", id.err)
	}

	secret2, tok2, err := s.CreateToken(ctx(t), "omar", "reviewer script", 10*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if tok2.Role != RoleReviewer || !tok2.Expires.Equal(c.now().Add(10*24*time.Hour)) {
		t.Fatalf("second token %+v", tok2)
	}
	if err := s.RevokeToken(ctx(t), tok.ID, "amal"); err != nil {
		t.Fatal(err)
	}
	if id := identify(t, s, bearer(secret)); !errors.Is(id.err, ErrUnauthenticated) || !errors.Is(id.err, ErrNoToken) {
		t.Fatalf("revoked token: %v", id.err)
	}
	if id := identify(t, s, bearer(secret2)); id.err != nil || id.Role != RoleReviewer {
		t.Fatalf("the other token: %+v %v", id.Identity, id.err)
	}
	if err := s.RevokeToken(ctx(t), tok.ID, "amal"); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	if err := s.RevokeToken(ctx(t), "AAAAAAAAAAAA", "amal"); !errors.Is(err, ErrNoToken) {
		t.Fatalf("unknown token: %v", err)
	}
	ts, err := s.Tokens(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 {
		t.Fatalf("tokens %+v", ts)
	}
	for _, x := range ts {
		if (x.ID == tok.ID) != x.Revoked || (x.ID != tok.ID && x.ID != tok2.ID) || x.Revoked && x.RevokedBy != "amal" {
			t.Fatalf("tokens %+v", ts)
		}
	}

	for name, f := range map[string]func() error{
		"no owner":      func() error { _, _, err := s.CreateToken(ctx(t), "nobody", "x", 0); return err },
		"empty label":   func() error { _, _, err := s.CreateToken(ctx(t), "amal", "  ", 0); return err },
		"negative life": func() error { _, _, err := s.CreateToken(ctx(t), "amal", "x", -time.Hour); return err },
		"too long life": func() error { _, _, err := s.CreateToken(ctx(t), "amal", "x", MaxTokenTTL+time.Hour); return err },
	} {
		if err := f(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A token expires, and dies with its owner's account or role.
func TestTokenLifetime(t *testing.T) {
	t.Parallel()
	s, c, _ := newStore(t, Options{})
	mustAdd(t, s, "amal", RoleCaseworker)
	mustAdd(t, s, "omar", RoleReviewer)
	short, _, err := s.CreateToken(ctx(t), "amal", "short", 2*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	long, longTok, err := s.CreateToken(ctx(t), "amal", "long", 0)
	if err != nil {
		t.Fatal(err)
	}
	rev, _, err := s.CreateToken(ctx(t), "omar", "review job", 0)
	if err != nil {
		t.Fatal(err)
	}
	c.add(2*24*time.Hour + time.Second)
	if id := identify(t, s, bearer(short)); !errors.Is(id.err, ErrNoToken) || !strings.Contains(id.err.Error(), "expired") {
		t.Fatalf("expired token: %v", id.err)
	}
	if id := identify(t, s, bearer(long)); id.err != nil {
		t.Fatalf("live token: %v", id.err)
	}

	// Disabling the owner kills the token, and enabling again does not
	// bring it back.
	if err := s.SetDisabled(ctx(t), "amal", true); err != nil {
		t.Fatal(err)
	}
	if id := identify(t, s, bearer(long)); !errors.Is(id.err, ErrNoToken) {
		t.Fatalf("token of a disabled owner: %v", id.err)
	}
	if err := s.SetDisabled(ctx(t), "amal", false); err != nil {
		t.Fatal(err)
	}
	if id := identify(t, s, bearer(long)); !errors.Is(id.err, ErrNoToken) {
		t.Fatalf("token after its owner was enabled again: %v", id.err)
	}
	if got, _ := s.Token(ctx(t), longTok.ID); !got.Revoked || got.RevokedBy != "disabled" {
		t.Fatalf("token of a disabled owner not revoked: %+v", got)
	}

	// A role change stops the token: it was made for the old role.
	if err := s.SetRole(ctx(t), "omar", RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if id := identify(t, s, bearer(rev)); !errors.Is(id.err, ErrNoToken) {
		t.Fatalf("token after a role change: %v", id.err)
	}
}

// Tokens made before tokens had owners are refused, with a reason.
func TestTokenWithoutOwnerRefused(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	mustAdd(t, s, "amal", RoleCaseworker)
	secret, tok, err := s.CreateToken(ctx(t), "amal", "old", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.updateToken(ctx(t), tok.ID, func(r *tokenRecord) bool { r.Owner = ""; return true }); err != nil {
		t.Fatal(err)
	}
	if id := identify(t, s, bearer(secret)); !errors.Is(id.err, ErrNoToken) || !strings.Contains(id.err.Error(), "owners") {
		t.Fatalf("ownerless token: %v", id.err)
	}
}
