package accounts

import (
	"context"
	"fmt"

	"github.com/facetriage/facetriage/internal/auth"
)

// BeginTOTP starts setting up a second factor for a's own account.
func (s *Service) BeginTOTP(ctx context.Context, a auth.Actor) (auth.Enrolment, error) {
	if err := ownAccount(a); err != nil {
		return auth.Enrolment{}, err
	}
	if err := s.record(ctx, a, "totp_begin", a.Name, nil); err != nil {
		return auth.Enrolment{}, err
	}
	return s.Store.BeginTOTP(ctx, a.Name)
}

// PendingTOTP is the second factor a is setting up.
func (s *Service) PendingTOTP(ctx context.Context, a auth.Actor) (auth.Enrolment, error) {
	if err := ownAccount(a); err != nil {
		return auth.Enrolment{}, err
	}
	return s.Store.PendingTOTP(ctx, a.Name)
}

// ConfirmTOTP turns a's second factor on, given a code from the app.
func (s *Service) ConfirmTOTP(ctx context.Context, a auth.Actor, code string) error {
	if err := ownAccount(a); err != nil {
		return err
	}
	err := s.Store.ConfirmTOTP(ctx, a.Name, code)
	detail := map[string]string{}
	if err != nil {
		detail["error"] = err.Error()
	}
	action := map[bool]string{true: "totp_on", false: "totp_failed"}[err == nil]
	if aerr := s.record(ctx, a, action, a.Name, detail); aerr != nil && err == nil {
		// On without its record: turn it off again.
		_ = s.Store.DisableTOTP(ctx, a.Name)
		return aerr
	}
	return err
}

// ResetTOTP turns a user's second factor off, for an admin (a lost
// phone); the user sets up a new one at their next login. It ends their
// sessions.
func (s *Service) ResetTOTP(ctx context.Context, a auth.Actor, name string) error {
	if err := admin(a); err != nil {
		return err
	}
	if _, err := s.Store.Account(ctx, name); err != nil {
		return err
	}
	if err := s.record(ctx, a, "totp_reset", name, nil); err != nil {
		return err
	}
	return s.Store.DisableTOTP(ctx, name)
}

// ownAccount checks that a acts in person on their own account.
func ownAccount(a auth.Actor) error {
	if a.Via != auth.ViaSession {
		return fmt.Errorf("%w: a second factor is set up by its owner, logged in", auth.ErrForbidden)
	}
	return nil
}
