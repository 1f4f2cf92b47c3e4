// Package bustest starts real JetStream servers for tests: embedded, on a
// random loopback port, with storage in the test's temporary directory, and
// with facetriage's streams, consumers and buckets created. Like the
// product's, the servers require credentials (an application user with
// bus.RoleAPI's permissions and an administrative user); StartEncryptedIn
// also encrypts the store.
package bustest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
)

// Server is a running test server and a connection to it as the
// application user.
type Server struct {
	Embedded *bus.Embedded
	Dir      string
	NC       *nats.Conn
	JS       jetstream.JetStream
	// Secrets are the server's users and store key.
	Secrets Secrets
}

// Secrets of a test server: the same for every server started on a
// directory, so that a restart finds its store.
type Secrets struct {
	App, Admin bus.UserPass
	StoreKey   string
}

var secretsByDir sync.Map // dir → Secrets

// SecretsFor returns the secrets of servers on dir, making them once.
func SecretsFor(dir string) Secrets {
	s, _ := secretsByDir.LoadOrStore(dir, Secrets{
		App: bus.NewUserPass("app"), Admin: bus.NewUserPass("admin"), StoreKey: bus.RandomSecret()})
	return s.(Secrets)
}

// Start starts a JetStream server and ensures the topology. It stops when
// the test ends.
func Start(t testing.TB, topo bus.Topology) *Server {
	t.Helper()
	return StartIn(t, t.TempDir(), topo)
}

// StartIn starts a server whose storage is dir (to restart on the same
// data). Its store is in plain files, for tests that alter them.
func StartIn(t testing.TB, dir string, topo bus.Topology) *Server {
	t.Helper()
	return start(t, dir, topo, false)
}

// StartEncryptedIn starts a server whose store in dir is encrypted with
// the directory's key (Secrets.StoreKey), as the product's is.
func StartEncryptedIn(t testing.TB, dir string, topo bus.Topology) *Server {
	t.Helper()
	return start(t, dir, topo, true)
}

func start(t testing.TB, dir string, topo bus.Topology, encrypt bool) *Server {
	t.Helper()
	sec := SecretsFor(dir)
	o := bus.EmbeddedOptions{Dir: dir, App: sec.App, Admin: sec.Admin}
	if encrypt {
		o.StoreKey = sec.StoreKey
	}
	emb, err := bus.StartEmbedded(o)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Embedded: emb, Dir: dir, Secrets: sec}
	t.Cleanup(s.Stop)
	if s.NC, err = s.Dial(); err != nil {
		t.Fatal(err)
	}
	if s.JS, err = jetstream.New(s.NC); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := topo.Ensure(ctx, s.JS); err != nil {
		t.Fatal(err)
	}
	return s
}

// Dial opens a new connection as the application user (bus.RoleAPI); the
// caller closes it.
func (s *Server) Dial() (*nats.Conn, error) {
	return bus.Client{URL: s.Embedded.URL(), Role: bus.RoleAPI, UserPass: &s.Secrets.App, Name: "bustest"}.Connect(nil)
}

// DialAdmin opens a new connection as the administrative user (every
// permission: what an operator holding the data directory's secrets can do);
// the caller closes it.
func (s *Server) DialAdmin() (*nats.Conn, error) {
	return bus.Client{URL: s.Embedded.URL(), Role: bus.RoleOps, UserPass: &s.Secrets.Admin, Name: "bustest admin"}.Connect(nil)
}

// Admin is a JetStream context as the administrative user, closed when the
// test ends.
func (s *Server) Admin(t testing.TB) jetstream.JetStream {
	t.Helper()
	nc, err := s.DialAdmin()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
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
