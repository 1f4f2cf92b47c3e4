package accounts_test

import (
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/facetriage/facetriage/internal/auth"
)

// Attack: whoever holds a logged-in session of an account that already
// has a second factor replaces that factor with their own, without a code
// from the current one: BeginTOTP and ConfirmTOTP with the new secret's
// code. The owner's authenticator stops working and the attacker's works
// from then on (reproduced against serve --require-admin-totp: after the
// swap, a login with the old factor answers 401, with the new one 200).
// Replacing a second factor must need a code of the current one (or be
// refused while one is on).
func TestAttackASessionCannotReplaceTheSecondFactor(t *testing.T) {
	s, _ := open(t)
	if err := s.AddUser(ctx, auth.Operator("root"), "amal", auth.RoleCaseworker, pw); err != nil {
		t.Fatal(err)
	}
	amal := auth.Actor{Name: "amal", Role: auth.RoleCaseworker, Via: auth.ViaSession}
	enrol := func() (string, error) {
		e, err := s.BeginTOTP(ctx, amal)
		if err != nil {
			return "", err
		}
		code, err := totp.GenerateCode(e.Secret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return e.Secret, s.ConfirmTOTP(ctx, amal, code)
	}
	if _, err := enrol(); err != nil {
		t.Fatalf("the owner's first second factor: %v", err)
	}
	// The session's holder, without the owner's authenticator.
	secret, err := enrol()
	if err == nil {
		t.Fatalf("a session replaced the account's second factor without a code of the current one (new secret %.4s…)", secret)
	}
}
