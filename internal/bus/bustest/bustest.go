// Package bustest starts real JetStream servers for tests: embedded, on a
// random loopback port, with storage in the test's temporary directory, and
// with facetriage's streams, consumers and buckets created.
package bustest

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
)

// Server is a running test server and a connection to it.
type Server struct {
	Embedded *bus.Embedded
	Dir      string
	NC       *nats.Conn
	JS       jetstream.JetStream
}

// Start starts a JetStream server and ensures the topology. It stops when
// the test ends.
func Start(t testing.TB, topo bus.Topology) *Server {
	t.Helper()
	return StartIn(t, t.TempDir(), topo)
}

// StartIn starts a server whose storage is dir (to restart on the same data).
func StartIn(t testing.TB, dir string, topo bus.Topology) *Server {
	t.Helper()
	emb, err := bus.StartEmbedded(bus.EmbeddedOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(emb.URL())
	if err != nil {
		emb.Shutdown()
		t.Fatal(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := topo.Ensure(ctx, js); err != nil {
		t.Fatal(err)
	}
	s := &Server{Embedded: emb, Dir: dir, NC: nc, JS: js}
	t.Cleanup(s.Stop)
	return s
}

// Stop closes the connection and shuts the server down; safe to call twice.
func (s *Server) Stop() {
	if s.NC != nil {
		s.NC.Close()
		s.NC = nil
	}
	if s.Embedded != nil {
		s.Embedded.Shutdown()
		s.Embedded = nil
	}
}

// CheckFor polls f until it returns nil or timeout passes, then fails the
// test with f's last error.
func CheckFor(t testing.TB, timeout, every time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var err error
	for time.Now().Before(deadline) {
		if err = f(); err == nil {
			return
		}
		time.Sleep(every)
	}
	t.Fatalf("still failing after %s: %v", timeout, err)
}
