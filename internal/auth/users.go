package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/nats-io/nats.go/jetstream"
)

// User is an account.
type User struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// PasswordHash is a PHC argon2id string; Users leaves it empty.
	PasswordHash string    `json:"password_hash,omitempty"`
	Created      time.Time `json:"created"`
	Disabled     bool      `json:"disabled,omitempty"`
	// FailedLogins counts failed logins in a row, including attempts
	// still being checked.
	FailedLogins int       `json:"failed_logins,omitempty"`
	LockedUntil  time.Time `json:"locked_until,omitzero"`
	// TOTP says the account has a second factor.
	TOTP bool `json:"totp,omitempty"`
}

// userRecord is a user as stored.
type userRecord struct {
	User
	// Generation changes whenever the user's sessions must end (password
	// or role changed, disabled, RevokeSessions); a session records the
	// generation it was opened in.
	Generation uint64 `json:"generation"`
	// TOTPSecret is the second factor's secret (base32), TOTPLast the time
	// step of the last code accepted, TOTPPending the otpauth URL of one
	// being set up.
	TOTPSecret  string `json:"totp_secret,omitempty"`
	TOTPLast    int64  `json:"totp_last,omitempty"`
	TOTPPending string `json:"totp_pending,omitempty"`
}

var nameRe = regexp.MustCompile(`^[a-z0-9._-]{2,64}$`)

// CheckName returns ErrInvalidName unless name may be a user name.
func CheckName(name string) error {
	if !nameRe.MatchString(name) {
		return fmt.Errorf("%w: %q", ErrInvalidName, name)
	}
	return nil
}

// userKey is name's key: KV keys may not start or end with a dot or hold
// two in a row, so dots become '=' (which names cannot contain).
func userKey(name string) string { return strings.ReplaceAll(name, ".", "=") }

// AddUser adds an account; ErrUserExists if the name is taken.
func (s *Store) AddUser(ctx context.Context, name string, role Role, password string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if !role.Valid() {
		return fmt.Errorf("%w: %q", ErrBadRole, role)
	}
	if err := CheckPolicy(password); err != nil {
		return err
	}
	h, err := s.hash(ctx, password)
	if err != nil {
		return err
	}
	b, err := json.Marshal(userRecord{User: User{Name: name, Role: role, PasswordHash: h, Created: s.now()}})
	if err != nil {
		return err
	}
	if _, err := s.users.Create(ctx, userKey(name), b); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return fmt.Errorf("%w: %s", ErrUserExists, name)
		}
		return fmt.Errorf("auth: add user %s: %w", name, err)
	}
	return nil
}

// SetPassword sets a user's password, ends their sessions and lifts a
// lockout.
func (s *Store) SetPassword(ctx context.Context, name, password string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if err := CheckPolicy(password); err != nil {
		return err
	}
	h, err := s.hash(ctx, password)
	if err != nil {
		return err
	}
	_, err = s.updateUser(ctx, name, func(r *userRecord) error {
		r.PasswordHash, r.FailedLogins, r.LockedUntil = h, 0, time.Time{}
		r.Generation++
		return nil
	})
	return err
}

// SetDisabled disables or enables an account. Disabling ends its sessions
// and revokes its API tokens, for good: enabling it again revives neither.
func (s *Store) SetDisabled(ctx context.Context, name string, disabled bool) error {
	_, err := s.updateUser(ctx, name, func(r *userRecord) error {
		if disabled && !r.Disabled {
			r.Generation++
		}
		r.Disabled = disabled
		return nil
	})
	if err != nil || !disabled {
		return err
	}
	// A token checks its owner on every use, so it is refused from here
	// on; revoking it as well keeps it dead after a re-enable.
	_, err = s.RevokeTokensOf(ctx, name, "disabled")
	return err
}

// Unlock lifts a lockout after failed logins.
func (s *Store) Unlock(ctx context.Context, name string) error {
	_, err := s.updateUser(ctx, name, func(r *userRecord) error {
		r.FailedLogins, r.LockedUntil = 0, time.Time{}
		return nil
	})
	return err
}

// Account returns a user's account, without its password hash; ErrNoUser
// if there is none.
func (s *Store) Account(ctx context.Context, name string) (User, error) {
	r, _, err := s.user(ctx, name)
	r.PasswordHash, r.TOTP = "", r.TOTPSecret != ""
	return r.User, err
}

// SetRole changes a user's role and ends their sessions, so the new role
// applies from their next login.
func (s *Store) SetRole(ctx context.Context, name string, role Role) error {
	if !role.Valid() {
		return fmt.Errorf("%w: %q", ErrBadRole, role)
	}
	_, err := s.updateUser(ctx, name, func(r *userRecord) error {
		if r.Role != role {
			r.Role = role
			r.Generation++
		}
		return nil
	})
	return err
}

// RevokeSessions ends all of a user's sessions.
func (s *Store) RevokeSessions(ctx context.Context, name string) error {
	_, err := s.updateUser(ctx, name, func(r *userRecord) error {
		r.Generation++
		return nil
	})
	return err
}

// Users returns every account, by name, without password hashes.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var us []User
	err := bus.EachValue(ctx, s.users, func(b []byte) error {
		var r userRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("auth: user record: %w", err)
		}
		r.PasswordHash, r.TOTP = "", r.TOTPSecret != ""
		us = append(us, r.User)
		return nil
	})
	slices.SortFunc(us, func(a, b User) int { return strings.Compare(a.Name, b.Name) })
	return us, err
}

// user reads an account; ErrNoUser if there is none.
func (s *Store) user(ctx context.Context, name string) (userRecord, uint64, error) {
	var r userRecord
	if err := CheckName(name); err != nil {
		return r, 0, err
	}
	e, err := s.users.Get(ctx, userKey(name))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return r, 0, fmt.Errorf("%w: %s", ErrNoUser, name)
	}
	if err != nil {
		return r, 0, fmt.Errorf("auth: user %s: %w", name, err)
	}
	if err := json.Unmarshal(e.Value(), &r); err != nil {
		return r, 0, fmt.Errorf("auth: user %s: %w", name, err)
	}
	return r, e.Revision(), nil
}

// updateUser changes an account under optimistic concurrency: fn edits the
// current record and runs again on a newer one when another writer got
// there first. When fn fails nothing is written, and the record fn saw is
// returned with its error.
func (s *Store) updateUser(ctx context.Context, name string, fn func(r *userRecord) error) (userRecord, error) {
	for attempt := 0; ; attempt++ {
		r, rev, err := s.user(ctx, name)
		if err != nil {
			return r, err
		}
		if err := fn(&r); err != nil {
			return r, err
		}
		b, err := json.Marshal(r)
		if err != nil {
			return r, err
		}
		_, err = s.users.Update(ctx, userKey(name), b, rev)
		if err == nil {
			return r, nil
		}
		if !bus.IsConflict(err) || attempt >= maxAttempts {
			return r, fmt.Errorf("auth: user %s: %w", name, err)
		}
	}
}
