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

// Token is an API token for programs. Its secret is shown once, by
// CreateToken, and stored only as a hash.
type Token struct {
	// ID is public: the first 9 of the secret's 32 random bytes, which
	// the secret shows after its prefix.
	ID        string    `json:"id"`
	Label     string    `json:"label"`
	Role      Role      `json:"role"`
	CreatedBy string    `json:"created_by"`
	Created   time.Time `json:"created"`
	Revoked   bool      `json:"revoked,omitempty"`
}

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

// CreateToken makes an API token with a role. The secret is returned once
// and never stored.
func (s *Store) CreateToken(ctx context.Context, label string, role Role, createdBy string) (string, Token, error) {
	if !role.Valid() {
		return "", Token{}, fmt.Errorf("%w: %q", ErrBadRole, role)
	}
	label = strings.TrimSpace(label)
	if label == "" || len(label) > maxLabelLength || !utf8.ValidString(label) {
		return "", Token{}, fmt.Errorf("auth: token label must be 1 to %d bytes of UTF-8", maxLabelLength)
	}
	for attempt := 0; ; attempt++ {
		b := make([]byte, tokenBytes)
		if _, err := rand.Read(b); err != nil {
			return "", Token{}, fmt.Errorf("auth: random: %w", err)
		}
		secret := TokenPrefix + b64url.EncodeToString(b)
		t := Token{ID: secret[len(TokenPrefix) : len(TokenPrefix)+tokenIDLen], Label: label, Role: role, CreatedBy: createdBy, Created: s.now()}
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
	if r.Revoked {
		return Token{}, fmt.Errorf("%w: revoked", ErrNoToken)
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
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	for attempt := 0; ; attempt++ {
		r, rev, err := s.token(ctx, id)
		if err != nil {
			return fmt.Errorf("%w: %s", err, id)
		}
		if r.Revoked {
			return nil
		}
		r.Revoked = true
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = s.tokens.Update(ctx, id, b, rev)
		if err == nil {
			return nil
		}
		if !bus.IsConflict(err) || attempt >= maxAttempts {
			return fmt.Errorf("auth: revoke token %s: %w", id, err)
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
