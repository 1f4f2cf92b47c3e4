package auth

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// The key-value buckets.
const (
	BucketUsers    = "ft_users"    // user name → account
	BucketSessions = "ft_sessions" // SHA-256 of session id → session; TTL = session lifetime
	BucketTokens   = "ft_tokens"   // token id → token and the SHA-256 of its secret
)

// Defaults of Options.
const (
	DefaultSessionTTL          = 12 * time.Hour
	DefaultIdleTimeout         = 30 * time.Minute
	DefaultMaxConcurrentHashes = 4
)

// Lockout policy.
const (
	MaxFailedLogins = 5                // failed logins in a row that lock an account
	LockoutDuration = 15 * time.Minute // how long it stays locked
)

// Options configure OpenWith; zero values take the defaults.
type Options struct {
	// Replicas of the buckets (1 embedded, 3 on a cluster).
	Replicas int
	// SessionTTL is a session's fixed lifetime, and the sessions bucket's
	// TTL (changing it updates the bucket).
	SessionTTL time.Duration
	// IdleTimeout ends a session unused for this long.
	IdleTimeout time.Duration
	// TOTPRoles must use a second factor: their sessions, until one is set
	// up, may only set it up (Session.MustEnrol).
	TOTPRoles []Role
	// MaxConcurrentHashes bounds the argon2 computations running at once
	// (each takes ArgonMemoryKiB).
	MaxConcurrentHashes int
	// CheapHashes makes new password hashes cost almost nothing (argon2id
	// over 64 KiB, one pass: cheapParams). For tests only: the fast suite
	// (go test -short) sets it through pipelinetest. No flag or environment
	// variable reaches it.
	CheapHashes bool
}

// Store holds the accounts, sessions and tokens. Its methods are safe for
// concurrent use, also from several processes.
type Store struct {
	users, sessions, tokens jetstream.KeyValue
	ttl, idle               time.Duration
	totpRoles               []Role
	slots                   chan struct{} // argon2 semaphore

	params  params           // cost of new hashes; tests lower it
	now     func() time.Time // tests move it
	kdfRuns atomic.Int64     // argon2 computations, for tests
	checks  atomic.Int64     // of them, checks against a real password hash

	dummyOnce sync.Once
	dummy     string // hash checked for unknown users
	dummyErr  error
}

// Open creates or updates the buckets, with replicas, and binds to them.
func Open(ctx context.Context, js jetstream.JetStream, replicas int) (*Store, error) {
	return OpenWith(ctx, js, Options{Replicas: replicas})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, js jetstream.JetStream, o Options) (*Store, error) {
	if o.SessionTTL <= 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxConcurrentHashes <= 0 {
		o.MaxConcurrentHashes = DefaultMaxConcurrentHashes
	}
	s := &Store{
		ttl:       o.SessionTTL,
		idle:      o.IdleTimeout,
		totpRoles: o.TOTPRoles,
		slots:     make(chan struct{}, o.MaxConcurrentHashes),
		params:    defaultParams,
		now:       func() time.Time { return time.Now().UTC() },
	}
	if o.CheapHashes {
		s.params = cheapParams
	}
	for _, b := range []struct {
		kv  *jetstream.KeyValue
		cfg jetstream.KeyValueConfig
	}{
		{&s.users, jetstream.KeyValueConfig{Bucket: BucketUsers, Description: "facetriage user accounts"}},
		{&s.sessions, jetstream.KeyValueConfig{Bucket: BucketSessions, TTL: o.SessionTTL, Description: "facetriage sessions"}},
		{&s.tokens, jetstream.KeyValueConfig{Bucket: BucketTokens, Description: "facetriage API tokens"}},
	} {
		b.cfg.History, b.cfg.Storage, b.cfg.Replicas = 1, jetstream.FileStorage, max(1, o.Replicas)
		kv, err := js.CreateOrUpdateKeyValue(ctx, b.cfg)
		if err != nil {
			return nil, fmt.Errorf("auth: bucket %s: %w", b.cfg.Bucket, err)
		}
		*b.kv = kv
	}
	return s, nil
}

// SessionTTL is a session's lifetime.
func (s *Store) SessionTTL() time.Duration { return s.ttl }

// kdf runs fn holding one of the argon2 slots.
func (s *Store) kdf(ctx context.Context, fn func()) error {
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.slots }()
	s.kdfRuns.Add(1)
	fn()
	return nil
}

// hash hashes a new password at the store's cost.
func (s *Store) hash(ctx context.Context, pw string) (string, error) {
	var h string
	var herr error
	if err := s.kdf(ctx, func() { h, herr = s.params.hash(pw) }); err != nil {
		return "", err
	}
	return h, herr
}

// check verifies pw against hash.
func (s *Store) check(ctx context.Context, hash, pw string) (bool, error) {
	s.checks.Add(1)
	return s.verify(ctx, hash, pw)
}

func (s *Store) verify(ctx context.Context, hash, pw string) (bool, error) {
	var ok bool
	var cerr error
	if err := s.kdf(ctx, func() { ok, cerr = CheckPassword(hash, pw) }); err != nil {
		return false, err
	}
	return ok, cerr
}

// burn spends the work of checking a password against no real hash, for
// logins refused before a password may be checked (unknown name, locked
// account), so that they take as long as the others.
func (s *Store) burn(ctx context.Context, pw string) error {
	s.dummyOnce.Do(func() { s.dummy, s.dummyErr = s.params.hash("facetriage: no such user") })
	if s.dummyErr != nil {
		return s.dummyErr
	}
	_, err := s.verify(ctx, s.dummy, pw)
	return err
}

// maxAttempts bounds the retries of an optimistic update; each round one
// writer wins, so this is far more than concurrent logins need.
const maxAttempts = 200
