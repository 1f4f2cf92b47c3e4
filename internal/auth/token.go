package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/nats-io/nats.go/jetstream"
)

// Token is an API token for programs. It acts for its owner, with the
// owner's role and cases, until it expires or is revoked; it stops working
// when its owner is disabled or changes role. Its secret is shown once, by
// CreateToken, and stored only as a hash.
type Token struct {
	// ID is public: the first 9 of the secret's 32 random bytes, which
	// the secret shows after its prefix.
	ID    string `json:"id"`
	Label string `json:"label"`
	Role  Role   `json:"role"`
	// Owner is the account the token acts for, which created it.
	Owner   string    `json:"owner"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	Revoked bool      `json:"revoked,omitempty"`
	// RevokedBy says who revoked it (a user, or "disabled" when its owner
	// was disabled).
	RevokedBy string `json:"revoked_by,omitempty"`
}

// Token lifetimes.
const (
	DefaultTokenTTL = 90 * 24 * time.Hour
	MaxTokenTTL     = 366 * 24 * time.Hour
)

// tokenRecord is a token as stored.
type tokenRecord struct {
	Token
	// Hash is the hex SHA-256 of the whole secret. A fast hash is enough:
	// a slow KDF protects guessable passwords, and the 23 secret bytes
	// after the id (184 bits) cannot be guessed, fast hash or not.
	Hash string `json:"sha256"`
}

// Token secrets: TokenPrefix and 32 random bytes, base64url; the first
// tokenIDLen characters of the encoding are the id.
const (
	TokenPrefix    = "ft_"
	tokenBytes     = 32
	tokenIDBytes   = 9
	maxLabelLength = 200
)

var (
	tokenIDLen     = b64url.EncodedLen(tokenIDBytes) // 12: 9 bytes end on a character boundary
	tokenSecretLen = len(TokenPrefix) + b64url.EncodedLen(tokenBytes)
)

func tokenHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// CreateToken makes an API token for owner, with owner's role, valid for
// ttl (DefaultTokenTTL when 0, at most MaxTokenTTL). The secret is
// returned once and never stored. Only the owner's own account can be
// given a token: nobody can mint a token of a role they do not hold.
func (s *Store) CreateToken(ctx context.Context, owner, label string, ttl time.Duration) (string, Token, error) {
	label = strings.TrimSpace(label)
	if label == "" || len(label) > maxLabelLength || !utf8.ValidString(label) {
		return "", Token{}, fmt.Errorf("%w: token label must be 1 to %d bytes of UTF-8", ErrInvalidToken, maxLabelLength)
	}
	switch {
	case ttl == 0:
		ttl = DefaultTokenTTL
	case ttl < time.Minute || ttl > MaxTokenTTL:
		return "", Token{}, fmt.Errorf("%w: lifetime %s: want a minute to %d days", ErrInvalidToken, ttl, MaxTokenTTL/(24*time.Hour))
	}
	u, _, err := s.user(ctx, owner)
	if err != nil {
		return "", Token{}, err
	}
	if u.Disabled {
		return "", Token{}, fmt.Errorf("%w: %s is disabled", ErrNoUser, owner)
	}
	for attempt := 0; ; attempt++ {
		b := make([]byte, tokenBytes)
		if _, err := rand.Read(b); err != nil {
			return "", Token{}, fmt.Errorf("auth: random: %w", err)
		}
		secret := TokenPrefix + b64url.EncodeToString(b)
		now := s.now()
		t := Token{ID: secret[len(TokenPrefix) : len(TokenPrefix)+tokenIDLen], Label: label, Role: u.Role, Owner: u.Name,
			Created: now, Expires: now.Add(ttl)}
		v, err := json.Marshal(tokenRecord{Token: t, Hash: tokenHash(secret)})
		if err != nil {
			return "", Token{}, err
		}
		_, err = s.tokens.Create(ctx, t.ID, v)
		if err == nil {
			return secret, t, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) || attempt > 3 { // 72-bit ids collide practically never
			return "", Token{}, fmt.Errorf("auth: create token: %w", err)
		}
	}
}

// tokenOf returns the live token whose secret this is; ErrNoToken if it
// is malformed, unknown, wrong or revoked.
func (s *Store) tokenOf(ctx context.Context, secret string) (Token, error) {
	if len(secret) != tokenSecretLen || !strings.HasPrefix(secret, TokenPrefix) {
		return Token{}, ErrNoToken
	}
	if _, err := b64url.DecodeString(secret[len(TokenPrefix):]); err != nil {
		return Token{}, ErrNoToken
	}
	r, _, err := s.token(ctx, secret[len(TokenPrefix):len(TokenPrefix)+tokenIDLen])
	if err != nil {
		return Token{}, err
	}
	if subtle.ConstantTimeCompare([]byte(tokenHash(secret)), []byte(r.Hash)) != 1 {
		return Token{}, ErrNoToken
	}
	switch {
	case r.Revoked:
		return Token{}, fmt.Errorf("%w: revoked", ErrNoToken)
	case r.Owner == "":
		return Token{}, fmt.Errorf("%w: made before tokens had owners: create a new one", ErrNoToken)
	case !s.now().Before(r.Expires):
		return Token{}, fmt.Errorf("%w: expired on %s", ErrNoToken, r.Expires.Format(time.DateOnly))
	}
	u, _, err := s.user(ctx, r.Owner)
	if errors.Is(err, ErrNoUser) || errors.Is(err, ErrInvalidName) {
		return Token{}, fmt.Errorf("%w: its owner is gone", ErrNoToken)
	}
	if err != nil {
		return Token{}, err
	}
	if u.Disabled || u.Role != r.Role {
		return Token{}, fmt.Errorf("%w: its owner is disabled or has another role", ErrNoToken)
	}
	if u.TOTPSecret == "" && s.TOTPRequired(u.Role) {
		// A token made before the second factor was required acts for a
		// person who has not proved a second factor: held until they do.
		return Token{}, fmt.Errorf("%w: its owner's role must use a second factor, and they have not set one up", ErrNoToken)
	}
	return r.Token, nil
}

// token reads a token record.
func (s *Store) token(ctx context.Context, id string) (tokenRecord, uint64, error) {
	var r tokenRecord
	if len(id) != tokenIDLen {
		return r, 0, ErrNoToken
	}
	if _, err := b64url.DecodeString(id); err != nil {
		return r, 0, ErrNoToken
	}
	e, err := s.tokens.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return r, 0, ErrNoToken
	}
	if err != nil {
		return r, 0, fmt.Errorf("auth: token: %w", err)
	}
	if err := json.Unmarshal(e.Value(), &r); err != nil {
		return r, 0, fmt.Errorf("auth: token: %w", err)
	}
	return r, e.Revision(), nil
}

// RevokeToken revokes a token for good; the record stays, for the audit.
// by names who revoked it.
func (s *Store) RevokeToken(ctx context.Context, id, by string) error {
	_, err := s.updateToken(ctx, id, func(r *tokenRecord) bool {
		if r.Revoked {
			return false
		}
		r.Revoked, r.RevokedBy = true, by
		return true
	})
	return err
}

// RevokeTokensOf revokes every live token of owner, and returns their ids.
func (s *Store) RevokeTokensOf(ctx context.Context, owner, by string) ([]string, error) {
	ts, err := s.Tokens(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, t := range ts {
		if t.Owner != owner || t.Revoked {
			continue
		}
		if err := s.RevokeToken(ctx, t.ID, by); err != nil {
			return ids, err
		}
		ids = append(ids, t.ID)
	}
	return ids, nil
}

// Token returns a token's record (revoked and expired ones too).
func (s *Store) Token(ctx context.Context, id string) (Token, error) {
	r, _, err := s.token(ctx, id)
	if err != nil {
		return Token{}, fmt.Errorf("%w: %s", err, id)
	}
	return r.Token, nil
}

// updateToken changes a token record under optimistic concurrency; fn
// returns false when there is nothing to write.
func (s *Store) updateToken(ctx context.Context, id string, fn func(r *tokenRecord) bool) (Token, error) {
	for attempt := 0; ; attempt++ {
		r, rev, err := s.token(ctx, id)
		if err != nil {
			return Token{}, fmt.Errorf("%w: %s", err, id)
		}
		if !fn(&r) {
			return r.Token, nil
		}
		b, err := json.Marshal(r)
		if err != nil {
			return Token{}, err
		}
		_, err = s.tokens.Update(ctx, id, b, rev)
		if err == nil {
			return r.Token, nil
		}
		if !bus.IsConflict(err) || attempt >= maxAttempts {
			return Token{}, fmt.Errorf("auth: token %s: %w", id, err)
		}
	}
}

// Tokens returns every token, revoked ones included, oldest first.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	var ts []Token
	err := bus.EachValue(ctx, s.tokens, func(b []byte) error {
		var r tokenRecord
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("auth: token record: %w", err)
		}
		ts = append(ts, r.Token)
		return nil
	})
	slices.SortFunc(ts, func(a, b Token) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return ts, err
}
