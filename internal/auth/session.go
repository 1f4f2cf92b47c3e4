package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Session is a browser login.
type Session struct {
	// ID is the secret in the session cookie: 32 random bytes, base64url.
	// It is not stored; the record's key is its SHA-256.
	ID   string `json:"-"`
	User string `json:"user"`
	Role Role   `json:"role"`
	// CSRF is the token unsafe requests must carry (CheckCSRF).
	CSRF    string    `json:"csrf"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	// LastSeen is the session's last use, to the minute: a session unused
	// for the store's idle timeout ends.
	LastSeen time.Time `json:"last_seen"`
	// MustEnrol: the user's role must use a second factor and has none
	// yet; the session may only set one up. Worked out at each use.
	MustEnrol bool `json:"-"`
}

// sessionRecord is a session as stored.
type sessionRecord struct {
	Session
	Generation uint64 `json:"generation"` // the user's, at login
}

var b64url = base64.RawURLEncoding

// randomString is n random bytes, base64url.
func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: random: %w", err)
	}
	return b64url.EncodeToString(b), nil
}

// sessionIDLen is the length of an encoded 32-byte session id.
var sessionIDLen = b64url.EncodedLen(32)

func sessionKey(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// Login checks a user's password, and the one-time code of an account
// with a second factor, and opens a session. It fails with
// ErrBadCredentials for an unknown name, a wrong password or code, or a
// disabled account alike, and with ErrLocked after MaxFailedLogins
// failures in a row, for LockoutDuration.
func (s *Store) Login(ctx context.Context, name, password, code string) (Session, error) {
	r, err := s.reserve(ctx, name)
	switch {
	case errors.Is(err, ErrInvalidName), errors.Is(err, ErrNoUser):
		if err := s.burn(ctx, password); err != nil {
			return Session{}, err
		}
		return Session{}, ErrBadCredentials
	case errors.Is(err, errDisabled):
		_, _ = s.check(ctx, r.PasswordHash, password) // the work only: refused either way
		return Session{}, ErrBadCredentials
	case errors.Is(err, ErrLocked):
		// The same work as any refusal, so that timing does not tell a
		// locked account from an unknown name, but no guess is checked.
		// ErrLocked is for the audit trail; the answer a client gets is
		// the same as for bad credentials (accounts.Login).
		if berr := s.burn(ctx, password); berr != nil {
			return Session{}, berr
		}
		return Session{}, err
	case err != nil:
		return Session{}, err
	}
	ok, err := s.check(ctx, r.PasswordHash, password)
	if err != nil {
		return Session{}, err
	}
	if !ok {
		return Session{}, ErrBadCredentials // the attempt stays counted
	}
	var rehash string
	if p, _, _, err := parseHash(r.PasswordHash); err == nil && p != s.params {
		if rehash, err = s.hash(ctx, password); err != nil {
			return Session{}, err
		}
	}
	old := r.PasswordHash
	r, err = s.updateUser(ctx, name, func(u *userRecord) error {
		if u.Disabled {
			return ErrBadCredentials // disabled meanwhile
		}
		if u.TOTPSecret != "" {
			step, ok := totpStep(u.TOTPSecret, code, s.now(), u.TOTPLast)
			if !ok {
				return fmt.Errorf("%w: %w", ErrBadCredentials, ErrBadCode) // the attempt stays counted
			}
			u.TOTPLast = step
		}
		u.FailedLogins, u.LockedUntil = 0, time.Time{}
		if rehash != "" && u.PasswordHash == old {
			u.PasswordHash = rehash
		}
		return nil
	})
	if err != nil {
		return Session{}, err
	}
	return s.open(ctx, r)
}

// errDisabled is reserve's refusal of a disabled account, which Login
// reports as ErrBadCredentials.
var errDisabled = errors.New("auth: account disabled")

// reserve counts a login attempt as failed before its password is checked
// (a success resets the count), so that parallel attempts cannot get more
// checks than the lockout allows: each needs its own revision-checked
// write. The attempt that reaches MaxFailedLogins locks the account.
func (s *Store) reserve(ctx context.Context, name string) (userRecord, error) {
	return s.updateUser(ctx, name, func(r *userRecord) error {
		now := s.now()
		switch {
		case r.Disabled:
			return errDisabled
		case now.Before(r.LockedUntil):
			return fmt.Errorf("%w until %s", ErrLocked, r.LockedUntil.Format(time.RFC3339))
		case !r.LockedUntil.IsZero(): // the lock is over: start counting again
			r.FailedLogins, r.LockedUntil = 0, time.Time{}
		}
		r.FailedLogins++
		if r.FailedLogins >= MaxFailedLogins {
			r.LockedUntil = now.Add(LockoutDuration)
		}
		return nil
	})
}

// open stores a new session for a user.
func (s *Store) open(ctx context.Context, r userRecord) (Session, error) {
	for attempt := 0; ; attempt++ {
		id, err := randomString(32)
		if err != nil {
			return Session{}, err
		}
		csrf, err := randomString(32)
		if err != nil {
			return Session{}, err
		}
		now := s.now()
		sess := Session{ID: id, User: r.Name, Role: r.Role, CSRF: csrf, Created: now, Expires: now.Add(s.ttl), LastSeen: now,
			MustEnrol: r.TOTPSecret == "" && s.TOTPRequired(r.Role)}
		b, err := json.Marshal(sessionRecord{Session: sess, Generation: r.Generation})
		if err != nil {
			return Session{}, err
		}
		_, err = s.sessions.Create(ctx, sessionKey(id), b)
		if err == nil {
			return sess, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) || attempt > 3 { // a collision of 256-bit ids: never
			return Session{}, fmt.Errorf("auth: session: %w", err)
		}
	}
}

// Session returns a live session and notes its use; ErrNoSession if it is
// unknown, expired, idle for longer than the idle timeout, logged out, or
// its user is disabled or has changed since.
func (s *Store) Session(ctx context.Context, id string) (Session, error) {
	if len(id) != sessionIDLen {
		return Session{}, ErrNoSession
	}
	key := sessionKey(id)
	e, err := s.sessions.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("auth: session: %w", err)
	}
	var rec sessionRecord
	if err := json.Unmarshal(e.Value(), &rec); err != nil {
		return Session{}, fmt.Errorf("auth: session: %w", err)
	}
	now := s.now()
	if !now.Before(rec.Expires) {
		return Session{}, fmt.Errorf("%w: expired", ErrNoSession)
	}
	if seen := rec.LastSeen; !seen.IsZero() && now.Sub(seen) >= s.idle {
		_ = s.sessions.Purge(ctx, key)
		return Session{}, fmt.Errorf("%w: idle for more than %s", ErrNoSession, s.idle)
	}
	u, _, err := s.user(ctx, rec.User)
	if errors.Is(err, ErrNoUser) || errors.Is(err, ErrInvalidName) {
		return Session{}, fmt.Errorf("%w: user gone", ErrNoSession)
	}
	if err != nil {
		return Session{}, err
	}
	if u.Disabled || u.Generation != rec.Generation {
		return Session{}, fmt.Errorf("%w: revoked", ErrNoSession)
	}
	if now.Sub(rec.LastSeen) >= touchEvery {
		// Noted at most once a minute, so that a page of ten images is not
		// ten writes; a lost write only shortens the idle allowance.
		rec.LastSeen = now
		if b, err := json.Marshal(rec); err == nil {
			_, _ = s.sessions.Update(ctx, key, b, e.Revision())
		}
	}
	sess := rec.Session
	sess.ID = id
	sess.MustEnrol = u.TOTPSecret == "" && s.TOTPRequired(u.Role)
	return sess, nil
}

// touchEvery is how stale a session's LastSeen may get before a use
// writes it again.
const touchEvery = time.Minute

// Logout ends a session; ending an unknown one is not an error.
func (s *Store) Logout(ctx context.Context, id string) error {
	if len(id) != sessionIDLen {
		return nil
	}
	if err := s.sessions.Purge(ctx, sessionKey(id)); err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	return nil
}
