package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"image"
	"slices"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// A second factor: time-based one-time passwords (RFC 6238) from an
// authenticator app — six digits, a new code every 30 seconds, SHA-1, as
// every app supports. A code is accepted one step early or late (clock
// drift), and never twice.
const (
	totpPeriod = 30
	totpSkew   = 1
	totpIssuer = "facetriage"
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Skew: totpSkew, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Errors of the second factor.
var (
	// ErrNoEnrolment means ConfirmTOTP found no secret being set up.
	ErrNoEnrolment = errors.New("auth: no second factor is being set up: start again")
	// ErrBadCode means a one-time code is wrong, expired or used already.
	ErrBadCode = errors.New("auth: wrong or expired code")
	// ErrTOTPOn means the account has a second factor already: a session
	// alone cannot replace it (an admin resets a lost one).
	ErrTOTPOn = errors.New("auth: a second factor is on already: to replace a lost one, ask an admin to reset it")
)

// Enrolment is a second factor being set up: the secret to put into an
// authenticator app, by its QR code or by hand.
type Enrolment struct {
	Secret string // base32
	URL    string // otpauth://
}

// QR is the enrolment's QR code, size pixels square.
func (e Enrolment) QR(size int) (image.Image, error) {
	k, err := otp.NewKeyFromURL(e.URL)
	if err != nil {
		return nil, err
	}
	return k.Image(size, size)
}

// BeginTOTP starts setting up a second factor for name: a new secret,
// kept aside until ConfirmTOTP proves the app has it; starting again
// replaces it. An account whose second factor is on is refused
// (ErrTOTPOn): whoever holds a session must not swap the owner's factor
// for theirs.
func (s *Store) BeginTOTP(ctx context.Context, name string) (Enrolment, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: name, Period: totpPeriod,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return Enrolment{}, fmt.Errorf("auth: second factor: %w", err)
	}
	if _, err := s.updateUser(ctx, name, func(r *userRecord) error {
		if r.TOTPSecret != "" {
			return ErrTOTPOn
		}
		r.TOTPPending = k.URL()
		return nil
	}); err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: k.Secret(), URL: k.URL()}, nil
}

// PendingTOTP is the enrolment being set up for name.
func (s *Store) PendingTOTP(ctx context.Context, name string) (Enrolment, error) {
	r, _, err := s.user(ctx, name)
	if err != nil {
		return Enrolment{}, err
	}
	return pending(r)
}

// pending is the enrolment a record holds.
func pending(r userRecord) (Enrolment, error) {
	if r.TOTPPending == "" {
		return Enrolment{}, ErrNoEnrolment
	}
	k, err := otp.NewKeyFromURL(r.TOTPPending)
	if err != nil {
		return Enrolment{}, fmt.Errorf("auth: second factor being set up: %w", err)
	}
	return Enrolment{Secret: k.Secret(), URL: r.TOTPPending}, nil
}

// ConfirmTOTP turns the second factor on once code shows that the app
// holds the secret BeginTOTP made.
func (s *Store) ConfirmTOTP(ctx context.Context, name, code string) error {
	_, err := s.updateUser(ctx, name, func(r *userRecord) error {
		if r.TOTPSecret != "" {
			return ErrTOTPOn
		}
		e, err := pending(*r)
		if err != nil {
			return err
		}
		step, ok := totpStep(e.Secret, code, s.now(), 0)
		if !ok {
			return ErrBadCode
		}
		r.TOTPSecret, r.TOTPPending, r.TOTPLast = e.Secret, "", step
		return nil
	})
	return err
}

// DisableTOTP turns name's second factor off (a lost phone: an admin
// resets it). It ends the user's sessions.
func (s *Store) DisableTOTP(ctx context.Context, name string) error {
	_, err := s.updateUser(ctx, name, func(r *userRecord) error {
		r.TOTPSecret, r.TOTPPending, r.TOTPLast = "", "", 0
		r.Generation++
		return nil
	})
	return err
}

// TOTPRequired says whether role must use a second factor.
func (s *Store) TOTPRequired(role Role) bool { return slices.Contains(s.totpRoles, role) }

// totpStep returns the time step at which code is valid for secret, within
// the skew, and later than last (a code is used once).
func totpStep(secret, code string, now time.Time, last int64) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	ok, found := false, int64(0)
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix((step+d)*totpPeriod, 0), totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && step+d > last {
			ok, found = true, step+d
		}
	}
	return found, ok
}
