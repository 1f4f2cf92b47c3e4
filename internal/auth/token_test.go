package auth

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	s, c, _ := newStore(t, Options{})
	secret, tok, err := s.CreateToken(ctx(t), "ingest robot", RoleCaseworker, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 46 || !strings.HasPrefix(secret, "ft_") || !strings.HasPrefix(secret, "ft_"+tok.ID) || len(tok.ID) != 12 {
		t.Fatalf("secret %q id %q", secret, tok.ID)
	}
	if raw, err := b64url.DecodeString(secret[3:]); err != nil || len(raw) != 32 {
		t.Fatalf("secret is not 32 bytes base64url: %v", err)
	}
	want := Token{ID: tok.ID, Label: "ingest robot", Role: RoleCaseworker, CreatedBy: "admin", Created: c.now()}
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

	id := identify(t, s, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) })
	if id.err != nil {
		t.Fatal(id.err)
	}
	if id.Via != ViaToken || id.Role != RoleCaseworker || id.Name != "token:"+tok.ID || id.Session != nil || id.Token == nil || *id.Token != tok {
		t.Fatalf("identity %+v", id.Identity)
	}
	// Lower-case scheme is fine; a tampered secret with the same id is not.
	if id := identify(t, s, func(r *http.Request) { r.Header.Set("Authorization", "bearer "+secret) }); id.err != nil {
		t.Fatal(id.err)
	}
	last := secret[len(secret)-1:]
	tampered := secret[:len(secret)-1] + map[bool]string{true: "B", false: "A"}[last == "A"]
	if id := identify(t, s, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tampered) }); !errors.Is(id.err, ErrUnauthenticated) {
		t.Fatalf("tampered secret: %v", id.err)
	}

	secret2, tok2, err := s.CreateToken(ctx(t), "reviewer script", RoleReviewer, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx(t), tok.ID); err != nil {
		t.Fatal(err)
	}
	if id := identify(t, s, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) }); !errors.Is(id.err, ErrUnauthenticated) || !errors.Is(id.err, ErrNoToken) {
		t.Fatalf("revoked token: %v", id.err)
	}
	if id := identify(t, s, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret2) }); id.err != nil || id.Role != RoleReviewer {
		t.Fatalf("the other token: %+v %v", id.Identity, id.err)
	}
	if err := s.RevokeToken(ctx(t), tok.ID); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	if err := s.RevokeToken(ctx(t), "AAAAAAAAAAAA"); !errors.Is(err, ErrNoToken) {
		t.Fatalf("unknown token: %v", err)
	}
	ts, err := s.Tokens(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || !ts[0].Revoked && !ts[1].Revoked || ts[0].Revoked == ts[1].Revoked {
		t.Fatalf("tokens %+v", ts)
	}
	for _, x := range ts {
		if (x.ID == tok.ID) != x.Revoked || (x.ID != tok.ID && x.ID != tok2.ID) {
			t.Fatalf("tokens %+v", ts)
		}
	}

	if _, _, err := s.CreateToken(ctx(t), "x", Role("root"), "admin"); !errors.Is(err, ErrBadRole) {
		t.Fatalf("bad role: %v", err)
	}
	if _, _, err := s.CreateToken(ctx(t), "  ", RoleReviewer, "admin"); err == nil {
		t.Fatal("empty label accepted")
	}
}
