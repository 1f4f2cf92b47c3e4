package accounts_test

import (
	"context"
	"errors"
	"testing"

	"github.com/facetriage/facetriage/internal/accounts"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
)

const pw = "correct horse battery staple"

var ctx = context.Background()

func open(t *testing.T) (*accounts.Service, *audit.Log) {
	t.Helper()
	srv := bustest.Start(t, bus.Topology{})
	st, err := auth.OpenWith(ctx, srv.JS, auth.Options{Replicas: 1, CheapHashes: testing.Short()})
	if err != nil {
		t.Fatal(err)
	}
	lg, err := audit.Open(ctx, srv.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	return &accounts.Service{Store: st, Audit: lg}, lg
}

func actions(t *testing.T, lg *audit.Log) []audit.Event {
	t.Helper()
	var out []audit.Event
	if err := lg.Read(ctx, 1, func(e audit.Event) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWhoManagesAccounts(t *testing.T) {
	s, lg := open(t)
	op := auth.Operator("root")
	if err := s.AddUser(ctx, op, "admin1", auth.RoleAdmin, pw); err != nil {
		t.Fatal(err)
	}
	admin := auth.Actor{Name: "admin1", Role: auth.RoleAdmin, Via: auth.ViaSession}
	adminToken := auth.Actor{Name: "admin1", Role: auth.RoleAdmin, Via: auth.ViaToken, Token: "TOK000000001"}
	cw := auth.Actor{Name: "amal", Role: auth.RoleCaseworker, Via: auth.ViaSession}
	if err := s.AddUser(ctx, admin, "amal", auth.RoleCaseworker, pw); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"a caseworker adds an account":      s.AddUser(ctx, cw, "x1", auth.RoleAdmin, pw),
		"an admin token adds an account":    s.AddUser(ctx, adminToken, "x2", auth.RoleCaseworker, pw),
		"an admin disables themselves":      s.SetDisabled(ctx, admin, "admin1", true),
		"a caseworker disables an account":  s.SetDisabled(ctx, cw, "admin1", true),
		"a caseworker resets a 2nd factor":  s.ResetTOTP(ctx, cw, "admin1"),
		"an admin token unlocks an account": s.Unlock(ctx, adminToken, "amal"),
	} {
		if !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s: %v, want ErrForbidden", name, err)
		}
	}
	if _, err := s.Users(ctx, cw); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("a caseworker lists accounts: %v", err)
	}
	// The record comes before the account, and names who added it.
	ev := actions(t, lg)
	if len(ev) != 2 || ev[0].Action != "user_add" || ev[0].Actor != "cli:root" || ev[1].Actor != "admin1" || ev[1].Object != "amal" {
		t.Fatalf("records %+v", ev)
	}
}

func TestTokensBelongToTheirOwner(t *testing.T) {
	s, lg := open(t)
	op := auth.Operator("root")
	for _, u := range []struct {
		name string
		role auth.Role
	}{{"admin1", auth.RoleAdmin}, {"amal", auth.RoleCaseworker}, {"omar", auth.RoleReviewer}} {
		if err := s.AddUser(ctx, op, u.name, u.role, pw); err != nil {
			t.Fatal(err)
		}
	}
	amal := auth.Actor{Name: "amal", Role: auth.RoleCaseworker, Via: auth.ViaSession}
	omar := auth.Actor{Name: "omar", Role: auth.RoleReviewer, Via: auth.ViaSession}
	admin := auth.Actor{Name: "admin1", Role: auth.RoleAdmin, Via: auth.ViaSession}
	_, tok, err := s.CreateToken(ctx, amal, "nightly", 0)
	if err != nil || tok.Owner != "amal" || tok.Role != auth.RoleCaseworker {
		t.Fatalf("amal's token %+v, %v", tok, err)
	}
	viaToken := auth.Actor{Name: "amal", Role: auth.RoleCaseworker, Via: auth.ViaToken, Token: tok.ID}
	if _, _, err := s.CreateToken(ctx, viaToken, "more", 0); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("a token mints a token: %v", err)
	}
	if err := s.RevokeToken(ctx, omar, tok.ID); !errors.Is(err, auth.ErrNoToken) {
		t.Errorf("omar revokes amal's token: %v, want ErrNoToken", err)
	}
	if ts, _ := s.Tokens(ctx, omar); len(ts) != 0 {
		t.Errorf("omar sees %d tokens, want none", len(ts))
	}
	if ts, _ := s.Tokens(ctx, admin); len(ts) != 1 {
		t.Errorf("the admin sees %d tokens, want 1", len(ts))
	}
	if err := s.RevokeToken(ctx, admin, tok.ID); err != nil {
		t.Fatal(err)
	}
	// A token made with a session of a role the account no longer has is
	// refused (the account changed under the session).
	stale := auth.Actor{Name: "omar", Role: auth.RoleCaseworker, Via: auth.ViaSession}
	if _, _, err := s.CreateToken(ctx, stale, "stale", 0); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("a token for a role the account does not hold: %v", err)
	}
	var created, revoked int
	for _, e := range actions(t, lg) {
		switch {
		case e.Action == "token_create" && e.Actor == "amal" && e.Detail["expires"] != "":
			created++
		case e.Action == "token_revoke" && e.Actor == "admin1" && e.Detail["owner"] == "amal":
			revoked++
		}
	}
	if created != 1 || revoked != 1 {
		t.Fatalf("%d token_create and %d token_revoke records, want 1 and 1", created, revoked)
	}
}

// Whatever the reason a login is refused, the caller is told the same;
// the trail says which it was.
func TestLoginRefusalsLookAlike(t *testing.T) {
	s, lg := open(t)
	if err := s.AddUser(ctx, auth.Operator("root"), "amal", auth.RoleCaseworker, pw); err != nil {
		t.Fatal(err)
	}
	for range auth.MaxFailedLogins {
		s.Login(ctx, "amal", "wrong password!", "", "10.0.0.1:5000")
	}
	_, errLocked := s.Login(ctx, "amal", pw, "", "10.0.0.1:5000")
	_, errUnknown := s.Login(ctx, "nobody", pw, "", "10.0.0.1:5000")
	if errLocked != auth.ErrBadCredentials || errUnknown != auth.ErrBadCredentials {
		t.Fatalf("locked: %v; unknown: %v; want both exactly ErrBadCredentials", errLocked, errUnknown)
	}
	ev := actions(t, lg)
	last := ev[len(ev)-2]
	if last.Action != "login_failed" || last.Detail["remote"] != "10.0.0.1:5000" || last.Detail["error"] == "" {
		t.Fatalf("the locked login's record: %+v", last)
	}
}
