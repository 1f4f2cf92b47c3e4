package auth

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	s, c, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleCaseworker)
	sess := mustLogin(t, s, "alice")
	if len(sess.ID) != 43 || len(sess.CSRF) != 43 || sess.ID == sess.CSRF {
		t.Fatalf("id %q csrf %q: want two different 43-character tokens", sess.ID, sess.CSRF)
	}
	if _, err := b64url.DecodeString(sess.ID); err != nil {
		t.Fatalf("id not base64url: %v", err)
	}
	if !sess.Created.Equal(c.now()) || sess.Expires.Sub(sess.Created) != DefaultSessionTTL {
		t.Fatalf("created %s expires %s", sess.Created, sess.Expires)
	}
	if s.SessionTTL() != 12*time.Hour {
		t.Fatalf("SessionTTL %s", s.SessionTTL())
	}
	got, err := s.Session(ctx(t), sess.ID)
	if err != nil || got != sess {
		t.Fatalf("Session = %+v, %v; want %+v", got, err, sess)
	}
	if other := mustLogin(t, s, "alice"); other.ID == sess.ID || other.CSRF == sess.CSRF {
		t.Fatal("two logins got the same session or CSRF token")
	}
	for _, id := range []string{"", "x", sess.ID[:42], sess.ID + "A", strings.Repeat("A", 43)} {
		if _, err := s.Session(ctx(t), id); !errors.Is(err, ErrNoSession) {
			t.Errorf("Session(%q) = %v, want ErrNoSession", id, err)
		}
	}
}

// Unknown user, wrong password, bad name and disabled account fail alike,
// and cost the same argon2 work.
func TestLoginFailuresLookAlike(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleCaseworker)
	mustAdd(t, s, "bob", RoleCaseworker)
	if err := s.SetDisabled(ctx(t), "bob", true); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, tc := range []struct{ name, pw string }{
		{"alice", "wrong password!"},
		{"alice", ""},
		{"nobody", pw},
		{"Not A Name", pw},
		{"bob", pw},
	} {
		before := s.kdfRuns.Load()
		_, err := s.Login(ctx(t), tc.name, tc.pw, "")
		if !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("Login(%q, %q) = %v, want ErrBadCredentials", tc.name, tc.pw, err)
		}
		if n := s.kdfRuns.Load() - before; n != 1 {
			t.Errorf("Login(%q) ran argon2 %d times, want 1", tc.name, n)
		}
		msgs = append(msgs, err.Error())
	}
	for _, m := range msgs {
		if m != msgs[0] {
			t.Fatalf("failure messages differ: %q", msgs)
		}
	}
}

func TestLockout(t *testing.T) {
	t.Parallel()
	s, c, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleCaseworker)
	fail := func(want error) {
		t.Helper()
		if _, err := s.Login(ctx(t), "alice", "wrong password!", ""); !errors.Is(err, want) {
			t.Fatalf("wrong password: %v, want %v", err, want)
		}
	}
	// Not before 5: 4 failures, then a success resets the count.
	for range MaxFailedLogins - 1 {
		fail(ErrBadCredentials)
	}
	if u := rawUser(t, s, "alice"); u.FailedLogins != 4 || !u.LockedUntil.IsZero() {
		t.Fatalf("after 4 failures: %d failures, locked until %s", u.FailedLogins, u.LockedUntil)
	}
	mustLogin(t, s, "alice")
	if u := rawUser(t, s, "alice"); u.FailedLogins != 0 {
		t.Fatalf("success left %d failures", u.FailedLogins)
	}
	// 5 in a row lock, even for the right password, and count no further.
	for range MaxFailedLogins {
		fail(ErrBadCredentials)
	}
	if _, err := s.Login(ctx(t), "alice", pw, ""); !errors.Is(err, ErrLocked) {
		t.Fatalf("right password while locked: %v, want ErrLocked", err)
	}
	before, kdf := s.checks.Load(), s.kdfRuns.Load()
	fail(ErrLocked)
	if s.checks.Load() != before {
		t.Fatal("a locked account's password was checked")
	}
	if s.kdfRuns.Load() != kdf+1 {
		t.Fatal("a locked account's refusal did not cost what a wrong password costs")
	}
	us, err := s.Users(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := c.now().Add(LockoutDuration); !us[0].LockedUntil.Equal(want) || us[0].FailedLogins != 5 {
		t.Fatalf("user %+v, want locked until %s", us[0], want)
	}
	// Still locked just before 15 minutes, open after.
	c.add(LockoutDuration - time.Second)
	if _, err := s.Login(ctx(t), "alice", pw, ""); !errors.Is(err, ErrLocked) {
		t.Fatalf("at 14:59: %v, want ErrLocked", err)
	}
	c.add(time.Second)
	mustLogin(t, s, "alice")
	if u := rawUser(t, s, "alice"); u.FailedLogins != 0 || !u.LockedUntil.IsZero() {
		t.Fatalf("after unlock and success: %+v", u.User)
	}
	// After a lock expires the count starts again from zero.
	for range MaxFailedLogins {
		fail(ErrBadCredentials)
	}
	c.add(LockoutDuration)
	fail(ErrBadCredentials)
	if u := rawUser(t, s, "alice"); u.FailedLogins != 1 || !u.LockedUntil.IsZero() {
		t.Fatalf("first failure after a lock: %+v", u.User)
	}
}

// Parallel guesses get no more password checks than the lockout allows.
func TestLockoutParallel(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{MaxConcurrentHashes: 32})
	mustAdd(t, s, "alice", RoleCaseworker)
	before := s.checks.Load()
	const n = 24
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = s.Login(ctx(t), "alice", "wrong password!", "") })
	}
	wg.Wait()
	var bad, locked int
	for _, err := range errs {
		switch {
		case errors.Is(err, ErrBadCredentials):
			bad++
		case errors.Is(err, ErrLocked):
			locked++
		default:
			t.Fatalf("unexpected error %v", err)
		}
	}
	if bad != MaxFailedLogins || locked != n-MaxFailedLogins {
		t.Fatalf("%d bad credentials, %d locked; want %d and %d", bad, locked, MaxFailedLogins, n-MaxFailedLogins)
	}
	if runs := s.checks.Load() - before; runs != MaxFailedLogins {
		t.Fatalf("%d passwords checked, want %d", runs, MaxFailedLogins)
	}
	if _, err := s.Login(ctx(t), "alice", pw, ""); !errors.Is(err, ErrLocked) {
		t.Fatalf("right password: %v, want ErrLocked", err)
	}
}

func TestDisabledUser(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleReviewer)
	sess := mustLogin(t, s, "alice")
	if err := s.SetDisabled(ctx(t), "alice", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx(t), sess.ID); !errors.Is(err, ErrNoSession) {
		t.Fatalf("disabled user's session: %v, want ErrNoSession", err)
	}
	if _, err := s.Login(ctx(t), "alice", pw, ""); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("disabled login: %v, want ErrBadCredentials", err)
	}
	if u := rawUser(t, s, "alice"); !u.Disabled || u.FailedLogins != 0 {
		t.Fatalf("user %+v", u.User)
	}
	if err := s.SetDisabled(ctx(t), "alice", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx(t), sess.ID); !errors.Is(err, ErrNoSession) {
		t.Fatalf("session revived by enabling: %v", err)
	}
	mustLogin(t, s, "alice")
	if err := s.SetDisabled(ctx(t), "nobody", true); !errors.Is(err, ErrNoUser) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleReviewer)
	sess := mustLogin(t, s, "alice")
	other := mustLogin(t, s, "alice")
	if err := s.Logout(ctx(t), sess.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx(t), sess.ID); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after logout: %v", err)
	}
	if _, err := s.Session(ctx(t), other.ID); err != nil {
		t.Fatalf("the other session: %v", err)
	}
	for _, id := range []string{sess.ID, "", "junk"} {
		if err := s.Logout(ctx(t), id); err != nil {
			t.Fatalf("Logout(%q): %v", id, err)
		}
	}
}

// A session's id is not in the bucket, so reading it gives no session.
func TestSessionIDNotStored(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleReviewer)
	sess := mustLogin(t, s, "alice")
	keys, err := s.sessions.Keys(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] == sess.ID {
		t.Fatalf("keys %q", keys)
	}
	e, err := s.sessions.Get(ctx(t), keys[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(e.Value()), sess.ID) {
		t.Fatalf("session id stored: %s", e.Value())
	}
}

// Expires is checked, whatever the bucket still holds.
func TestSessionExpires(t *testing.T) {
	t.Parallel()
	s, c, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleReviewer)
	sess := mustLogin(t, s, "alice")
	// Used every 20 minutes, it never idles out.
	for c.now().Before(sess.Expires.Add(-20 * time.Minute)) {
		c.add(20 * time.Minute)
		if _, err := s.Session(ctx(t), sess.ID); err != nil {
			t.Fatalf("in use, %s before expiry: %v", sess.Expires.Sub(c.now()), err)
		}
	}
	c.add(sess.Expires.Sub(c.now()) - time.Second)
	if _, err := s.Session(ctx(t), sess.ID); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	c.add(time.Second)
	if _, err := s.Session(ctx(t), sess.ID); !errors.Is(err, ErrNoSession) {
		t.Fatalf("at expiry: %v, want ErrNoSession", err)
	}
	if _, err := s.sessions.Get(ctx(t), sessionKey(sess.ID)); err != nil {
		t.Fatalf("the record should still be in the bucket (the refusal must come from Expires): %v", err)
	}
}

// The bucket's TTL removes sessions, whatever the clock says.
func TestSessionBucketTTL(t *testing.T) {
	t.Parallel()
	const ttl = time.Second
	s, _, _ := newStore(t, Options{SessionTTL: ttl})
	st, err := s.sessions.Status(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if st.TTL() != ttl {
		t.Fatalf("bucket TTL %s, want %s", st.TTL(), ttl)
	}
	mustAdd(t, s, "alice", RoleReviewer)
	sess := mustLogin(t, s, "alice") // the store's clock stands still
	if sess.Expires.Sub(sess.Created) != ttl {
		t.Fatalf("lifetime %s", sess.Expires.Sub(sess.Created))
	}
	if _, err := s.Session(ctx(t), sess.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, err := s.Session(ctx(t), sess.ID)
		if errors.Is(err, ErrNoSession) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("session still there 15 s after its 1 s TTL")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if keys, err := s.sessions.Keys(ctx(t)); err == nil && len(keys) != 0 {
		t.Fatalf("keys left: %q", keys)
	}
}

// A successful login re-hashes a password stored at another cost.
func TestLoginUpgradesHash(t *testing.T) {
	t.Parallel()
	s, _, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleReviewer)
	s.params = params{memory: 128, time: 2, threads: 1, saltLen: ArgonSaltBytes, keyLen: ArgonKeyBytes}
	if _, err := s.Login(ctx(t), "alice", "wrong password!", ""); !errors.Is(err, ErrBadCredentials) {
		t.Fatal(err)
	}
	if h := rawUser(t, s, "alice").PasswordHash; !strings.Contains(h, "m=64,t=1,p=1") {
		t.Fatalf("a failed login changed the hash: %q", h)
	}
	mustLogin(t, s, "alice")
	if h := rawUser(t, s, "alice").PasswordHash; !strings.Contains(h, "$m=128,t=2,p=1$") {
		t.Fatalf("hash not upgraded: %q", h)
	}
	mustLogin(t, s, "alice")
}

// A session unused for the idle timeout ends; one in use does not.
func TestSessionIdleTimeout(t *testing.T) {
	t.Parallel()
	s, c, _ := newStore(t, Options{IdleTimeout: 30 * time.Minute})
	mustAdd(t, s, "alice", RoleReviewer)
	sess := mustLogin(t, s, "alice")
	c.add(29 * time.Minute)
	if _, err := s.Session(ctx(t), sess.ID); err != nil {
		t.Fatalf("after 29 idle minutes: %v", err)
	}
	c.add(29 * time.Minute) // 58 minutes after login, 29 after its last use
	if _, err := s.Session(ctx(t), sess.ID); err != nil {
		t.Fatalf("29 minutes after its last use: %v", err)
	}
	c.add(30 * time.Minute)
	if _, err := s.Session(ctx(t), sess.ID); !errors.Is(err, ErrNoSession) || !strings.Contains(err.Error(), "idle") {
		t.Fatalf("after 30 idle minutes: %v, want an idle ErrNoSession", err)
	}
	if _, err := s.Session(ctx(t), sess.ID); !errors.Is(err, ErrNoSession) {
		t.Fatalf("an idled-out session came back: %v", err)
	}
}
