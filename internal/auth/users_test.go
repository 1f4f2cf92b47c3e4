package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRole(t *testing.T) {
	for _, r := range Roles {
		if got, err := ParseRole(string(r)); got != r || err != nil {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, s := range []string{"", "Admin", "root", "admin ", "reviewers"} {
		if _, err := ParseRole(s); !errors.Is(err, ErrBadRole) {
			t.Errorf("ParseRole(%q) = %v, want ErrBadRole", s, err)
		}
	}
}

func TestAddUserEachRole(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	mustAdd(t, s, "rev.one", RoleReviewer)
	mustAdd(t, s, "admin", RoleAdmin)
	mustAdd(t, s, "case_worker-2", RoleCaseworker)

	us, err := s.Users(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Role{"admin": RoleAdmin, "case_worker-2": RoleCaseworker, "rev.one": RoleReviewer}
	if len(us) != 3 || us[0].Name != "admin" || us[1].Name != "case_worker-2" || us[2].Name != "rev.one" {
		t.Fatalf("users %+v", us)
	}
	for _, u := range us {
		if u.Role != want[u.Name] || u.PasswordHash != "" || u.Created.IsZero() || u.Disabled {
			t.Errorf("user %+v", u)
		}
		sess := mustLogin(t, s, u.Name)
		if sess.User != u.Name || sess.Role != u.Role {
			t.Errorf("session %+v for %s", sess, u.Name)
		}
	}
	if err := s.AddUser(ctx(t), "admin", RoleReviewer, pw); !errors.Is(err, ErrUserExists) {
		t.Fatalf("second admin: %v, want ErrUserExists", err)
	}
	if err := s.AddUser(ctx(t), "root", Role("root"), pw); !errors.Is(err, ErrBadRole) {
		t.Fatalf("role root: %v, want ErrBadRole", err)
	}
}

func TestStoredHashIsSaltedArgon2id(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleCaseworker)
	mustAdd(t, s, "bob", RoleCaseworker) // same password
	e, err := s.users.Get(ctx(t), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(e.Value()), pw) {
		t.Fatalf("password stored in clear: %s", e.Value())
	}
	a, b := rawUser(t, s, "alice").PasswordHash, rawUser(t, s, "bob").PasswordHash
	if !strings.HasPrefix(a, "$argon2id$v=19$m=64,t=1,p=1$") || !strings.HasPrefix(b, "$argon2id$v=19$") {
		t.Fatalf("hashes %q %q", a, b)
	}
	if a == b {
		t.Fatal("the same password gave the same hash")
	}
}

// The store's real cost, once.
func TestStoreDefaultCost(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	s.params = defaultParams
	mustAdd(t, s, "alice", RoleAdmin)
	if h := rawUser(t, s, "alice").PasswordHash; !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q", h)
	}
	mustLogin(t, s, "alice")
	if _, err := s.Login(ctx(t), "nobody", pw, ""); !errors.Is(err, ErrBadCredentials) {
		t.Fatal(err)
	}
}

func TestUserNames(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	for _, name := range []string{"", "a", strings.Repeat("a", 65), "Alice", "alice smith", "alice/x",
		"alice*", "alice>", "élodie", "alice\n", "al=ce"} {
		if err := s.AddUser(ctx(t), name, RoleReviewer, pw); !errors.Is(err, ErrInvalidName) {
			t.Errorf("AddUser(%q) = %v, want ErrInvalidName", name, err)
		}
	}
	// Names a KV key could not be without encoding.
	for _, name := range []string{"ab", strings.Repeat("a", 64), ".alice", "alice.", "a..b", "-_", "..", "j.doe"} {
		if err := s.AddUser(ctx(t), name, RoleReviewer, pw); err != nil {
			t.Errorf("AddUser(%q): %v", name, err)
			continue
		}
		if sess := mustLogin(t, s, name); sess.User != name {
			t.Errorf("session user %q, want %q", sess.User, name)
		}
	}
	if err := s.AddUser(ctx(t), "j.doe", RoleReviewer, pw); !errors.Is(err, ErrUserExists) {
		t.Fatalf("j.doe twice: %v", err)
	}
}

func TestWeakPassword(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	if err := s.AddUser(ctx(t), "alice", RoleAdmin, "elevenchars"); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("AddUser: %v, want ErrWeakPassword", err)
	}
	if us, err := s.Users(ctx(t)); err != nil || len(us) != 0 {
		t.Fatalf("users %v %v", us, err)
	}
	mustAdd(t, s, "alice", RoleAdmin)
	if err := s.SetPassword(ctx(t), "alice", "elevenchars"); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("SetPassword: %v, want ErrWeakPassword", err)
	}
	mustLogin(t, s, "alice")
}

func TestSetPasswordEndsSessionsAndLockout(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleCaseworker)
	old := mustLogin(t, s, "alice")
	for range MaxFailedLogins {
		s.Login(ctx(t), "alice", "wrong password!", "")
	}
	if _, err := s.Login(ctx(t), "alice", pw, ""); !errors.Is(err, ErrLocked) {
		t.Fatalf("%v, want ErrLocked", err)
	}
	const npw = "a new long passphrase"
	if err := s.SetPassword(ctx(t), "alice", npw); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx(t), old.ID); !errors.Is(err, ErrNoSession) {
		t.Fatalf("old session: %v, want ErrNoSession", err)
	}
	if _, err := s.Login(ctx(t), "alice", pw, ""); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("old password: %v", err)
	}
	if _, err := s.Login(ctx(t), "alice", npw, ""); err != nil {
		t.Fatalf("new password: %v", err)
	}
	if err := s.SetPassword(ctx(t), "nobody", npw); !errors.Is(err, ErrNoUser) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestSetRoleEndsSessions(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleAdmin)
	old := mustLogin(t, s, "alice")
	if err := s.SetRole(ctx(t), "alice", RoleReviewer); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx(t), old.ID); !errors.Is(err, ErrNoSession) {
		t.Fatalf("session after demotion: %v", err)
	}
	if sess := mustLogin(t, s, "alice"); sess.Role != RoleReviewer {
		t.Fatalf("role %q", sess.Role)
	}
	other := mustLogin(t, s, "alice")
	if err := s.RevokeSessions(ctx(t), "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx(t), other.ID); !errors.Is(err, ErrNoSession) {
		t.Fatalf("session after RevokeSessions: %v", err)
	}
}

func TestRequire(t *testing.T) {
	id := Identity{Name: "alice", Role: RoleReviewer, Via: ViaSession}
	if err := id.Require(RoleReviewer, RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if err := id.Require(RoleAdmin); !errors.Is(err, ErrForbidden) {
		t.Fatalf("%v, want ErrForbidden", err)
	}
	if err := (Identity{}).Require(""); !errors.Is(err, ErrForbidden) {
		t.Fatalf("zero identity: %v, want ErrForbidden", err)
	}
}
