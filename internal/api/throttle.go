package api

import (
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Login attempts allowed from one client address: a burst of 10, then one
// every 6 seconds. The per-account lockout (package auth) stops guessing
// one account's password; this stops one address guessing many accounts.
const (
	loginBurst = 10
	loginEvery = 6 * time.Second
)

// throttle limits login attempts per client address.
type throttle struct {
	mu   sync.Mutex
	by   map[string]*rate.Limiter
	seen map[string]time.Time
}

func (t *throttle) allow(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.by == nil {
		t.by, t.seen = map[string]*rate.Limiter{}, map[string]time.Time{}
	}
	now := time.Now()
	if len(t.by) > 10000 { // forget addresses idle for an hour
		for h, at := range t.seen {
			if now.Sub(at) > time.Hour {
				delete(t.by, h)
				delete(t.seen, h)
			}
		}
	}
	l, ok := t.by[host]
	if !ok {
		l = rate.NewLimiter(rate.Every(loginEvery), loginBurst)
		t.by[host] = l
	}
	t.seen[host] = now
	return l.Allow()
}
