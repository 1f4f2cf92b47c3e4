package auth

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
)

// cheap is a test cost: real argon2id, a thousandth of the work.
var cheap = cheapParams

const pw = "correct horse battery"

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newStore opens a store on a fresh server, at the cheap cost, on a
// settable clock.
func newStore(t *testing.T, o Options) (*Store, *clock, *bustest.Server) {
	t.Helper()
	srv := bustest.Start(t, bus.Topology{})
	s, err := OpenWith(ctx(t), srv.JS, o)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	s.params, s.now = cheap, c.now
	return s, c, srv
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func mustAdd(t *testing.T, s *Store, name string, role Role) {
	t.Helper()
	if err := s.AddUser(ctx(t), name, role, pw); err != nil {
		t.Fatal(err)
	}
}

func mustLogin(t *testing.T, s *Store, name string) Session {
	t.Helper()
	sess, err := s.Login(ctx(t), name, pw, "")
	if err != nil {
		t.Fatalf("login %s: %v", name, err)
	}
	return sess
}

// rawUser is a user's record as stored.
func rawUser(t *testing.T, s *Store, name string) userRecord {
	t.Helper()
	r, _, err := s.user(ctx(t), name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
