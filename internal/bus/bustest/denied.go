package bustest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// Violations records the permission violations the server tells a
// connection of; give Handler to nats.ErrorHandler.
type Violations struct {
	mu   sync.Mutex
	msgs []string
}

// Handler records the connection's asynchronous errors.
func (v *Violations) Handler(_ *nats.Conn, _ *nats.Subscription, err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.msgs = append(v.msgs, err.Error())
}

// Saw reports whether a publish or subscription on subject was refused.
func (v *Violations) Saw(subject string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, m := range v.msgs {
		if strings.Contains(strings.ToLower(m), "permissions violation") && strings.Contains(m, `"`+subject+`"`) {
			return true
		}
	}
	return false
}

// All is every error recorded.
func (v *Violations) All() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.msgs...)
}

// Denied runs call, which the server must refuse for lack of permission on
// subject: a refused request is dropped (the call would only time out), so
// Denied waits for the server's permissions violation, then cancels the
// call. It fails the test if the call succeeds.
func Denied(t testing.TB, v *Violations, subject string, call func(ctx context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- call(ctx) }()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err == nil {
				t.Errorf("%s: allowed", subject)
			} else if !v.Saw(subject) {
				t.Errorf("%s: failed without a permissions violation: %v", subject, err)
			}
			return
		case <-tick.C:
			if v.Saw(subject) {
				cancel()
				if err := <-done; err == nil {
					t.Errorf("%s: allowed despite a permissions violation", subject)
				}
				return
			}
		}
	}
}
