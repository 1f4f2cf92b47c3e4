package auth

import (
	"errors"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// codeAt is the code an authenticator app shows at t.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totpOpts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSecondFactor(t *testing.T) {
	t.Parallel()
	s, c, _ := newStore(t, Options{})
	mustAdd(t, s, "alice", RoleCaseworker)
	if err := s.ConfirmTOTP(ctx(t), "alice", "123456"); !errors.Is(err, ErrNoEnrolment) {
		t.Fatalf("confirm without enrolment: %v", err)
	}
	e, err := s.BeginTOTP(ctx(t), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if img, err := e.QR(200); err != nil || img.Bounds().Dx() != 200 {
		t.Fatalf("QR code: %v", err)
	}
	// Until confirmed, the login needs no code.
	mustLogin(t, s, "alice")
	if err := s.ConfirmTOTP(ctx(t), "alice", "000000"); !errors.Is(err, ErrBadCode) {
		t.Fatalf("a wrong code: %v", err)
	}
	if err := s.ConfirmTOTP(ctx(t), "alice", codeAt(t, e.Secret, c.now())); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.Account(ctx(t), "alice"); !u.TOTP {
		t.Fatal("the account does not show its second factor")
	}
	// The code used to confirm cannot log in; the next one can, once.
	if _, err := s.Login(ctx(t), "alice", pw, codeAt(t, e.Secret, c.now())); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("the confirming code replayed: %v", err)
	}
	if _, err := s.Login(ctx(t), "alice", pw, ""); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("no code: %v", err)
	}
	c.add(30 * time.Second)
	code := codeAt(t, e.Secret, c.now())
	if _, err := s.Login(ctx(t), "alice", "wrong password!", code); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("a right code with a wrong password: %v", err)
	}
	if _, err := s.Login(ctx(t), "alice", pw, code); err != nil {
		t.Fatalf("password and code: %v", err)
	}
	if _, err := s.Login(ctx(t), "alice", pw, code); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("the same code twice: %v", err)
	}
	// A code of the step before is still taken (clock drift); two steps
	// old is not.
	c.add(60 * time.Second)
	if _, err := s.Login(ctx(t), "alice", pw, codeAt(t, e.Secret, c.now().Add(-60*time.Second))); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("a code two steps old: %v", err)
	}
	if _, err := s.Login(ctx(t), "alice", pw, codeAt(t, e.Secret, c.now().Add(-30*time.Second))); err != nil {
		t.Fatalf("a code one step old: %v", err)
	}
	// Wrong codes count towards the lockout like wrong passwords.
	for range MaxFailedLogins {
		s.Login(ctx(t), "alice", pw, "999999")
	}
	if u := rawUser(t, s, "alice"); u.LockedUntil.IsZero() {
		t.Fatal("wrong codes do not lock the account")
	}
	// An admin's reset turns it off and ends the sessions.
	sess := mustLoginCode(t, s, c, "alice", e.Secret)
	if err := s.DisableTOTP(ctx(t), "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx(t), sess.ID); !errors.Is(err, ErrNoSession) {
		t.Fatalf("a session after the reset: %v", err)
	}
}

func mustLoginCode(t *testing.T, s *Store, c *clock, name, secret string) Session {
	t.Helper()
	c.add(LockoutDuration + 30*time.Second)
	sess, err := s.Login(ctx(t), name, pw, codeAt(t, secret, c.now()))
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// A role that must use a second factor gets a session that may only set
// one up, until it is on.
func TestSecondFactorRequired(t *testing.T) {
	t.Parallel()
	s, c, _ := newStore(t, Options{TOTPRoles: []Role{RoleAdmin}})
	mustAdd(t, s, "root", RoleAdmin)
	mustAdd(t, s, "amal", RoleCaseworker)
	if sess := mustLogin(t, s, "amal"); sess.MustEnrol {
		t.Fatal("a caseworker must enrol")
	}
	sess := mustLogin(t, s, "root")
	if !sess.MustEnrol {
		t.Fatal("an admin without a second factor may do more than set one up")
	}
	e, err := s.BeginTOTP(ctx(t), "root")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmTOTP(ctx(t), "root", codeAt(t, e.Secret, c.now())); err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(ctx(t), sess.ID)
	if err != nil || got.MustEnrol {
		t.Fatalf("after enrolling, the session: %+v %v", got, err)
	}
}
