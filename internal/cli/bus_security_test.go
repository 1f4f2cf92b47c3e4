package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/testenv"
)

// syncBuffer is a bytes.Buffer safe to write from serve's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `facetriage serve` on dir until the test ends and
// returns how to reach it (DATA/serve.json) and its log.
func startServe(t *testing.T, dir string) (app.ServeInfo, *syncBuffer) {
	t.Helper()
	models := testenv.ModelDir(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, log syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"--data", dir, "--models", models, "--workers", "1", "--http", "127.0.0.1:0",
			"--log-level", "debug", "serve"}, &out, &log)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != ExitOK {
			t.Errorf("serve: exit %d\n%s", code, log.String())
		}
	})
	var si app.ServeInfo
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var err error
		if si, err = app.ReadServeInfo(dir); err == nil && si.NATS != "" {
			return si, &log
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("serve stopped: exit %d\n%s", code, log.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve wrote no serve.json within 2 minutes\n%s", log.String())
		}
	}
}

// TestServeRequiresNATSCredentials starts `facetriage serve`, finds its NATS
// port in DATA/serve.json, and shows that a client without credentials is
// refused, and one with a wrong password too, while the data directory's
// own credentials (DATA/secrets, private to their owner) connect, and the
// command line attaches with them. No secret reaches the log.
func TestServeRequiresNATSCredentials(t *testing.T) {
	dir := t.TempDir()
	si, log := startServe(t, dir)
	app, err := bus.ReadUserPass(filepath.Join(dir, "secrets", "nats-app.userpass"))
	if err != nil {
		t.Fatal(err)
	}
	for name, opts := range map[string][]nats.Option{
		"without credentials":   nil,
		"with a wrong password": {nats.UserInfo(app.User, app.Password[:len(app.Password)-1]+"x")},
	} {
		nc, err := nats.Connect(si.NATS, opts...)
		if err == nil {
			nc.Close()
			t.Fatalf("a client %s connected to serve's NATS at %s", name, si.NATS)
		}
		if !errors.Is(err, nats.ErrAuthorization) {
			t.Fatalf("a client %s: %v, want an authorization violation", name, err)
		}
		t.Logf("a client %s is refused: %v", name, err)
	}
	nc, err := nats.Connect(si.NATS, nats.UserInfo(app.User, app.Password), nats.CustomInboxPrefix(bus.InboxPrefix(bus.RoleAPI)))
	if err != nil {
		t.Fatalf("the application's credentials: %v", err)
	}
	nc.Close()
	for _, p := range []string{"secrets", "secrets/nats-app.userpass", "secrets/nats-admin.userpass", "secrets/store.key"} {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %04o", p, fi.Mode().Perm())
		}
	}
	code, out, stderr := run(t, "--data", dir, "status")
	if code != ExitOK || !strings.Contains(out, "photos:") {
		t.Fatalf("status attached to serve: exit %d\n%s%s", code, out, stderr)
	}
	admin, _ := bus.ReadUserPass(filepath.Join(dir, "secrets", "nats-admin.userpass"))
	key, _ := os.ReadFile(filepath.Join(dir, "secrets", "store.key"))
	for _, secret := range []string{app.Password, admin.Password, strings.TrimSpace(string(key))} {
		if secret == "" || strings.Contains(log.String(), secret) || strings.Contains(out+stderr, secret) {
			t.Fatal("a secret is in the log or the output")
		}
	}
}

// A secret that other accounts can read is refused, with the fix in the
// message.
func TestExposedSecretsAreRefused(t *testing.T) {
	dir := t.TempDir()
	if code, out, stderr := run(t, "--data", dir, "status"); code != ExitOK {
		t.Fatalf("status: exit %d\n%s%s", code, out, stderr)
	}
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{{"secrets/store.key", 0o640}, {"secrets/nats-app.userpass", 0o604}, {"secrets", 0o755}} {
		p := filepath.Join(dir, c.path)
		fi, _ := os.Stat(p)
		if err := os.Chmod(p, c.mode); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := run(t, "--data", dir, "status")
		if code == ExitOK || !strings.Contains(stderr, "readable or writable by other accounts") || !strings.Contains(stderr, "chmod") {
			t.Errorf("%s of mode %04o: exit %d: %s", c.path, c.mode, code, stderr)
		}
		os.Chmod(p, fi.Mode().Perm())
	}
	if code, out, stderr := run(t, "--data", dir, "status"); code != ExitOK {
		t.Fatalf("status after the fix: exit %d\n%s%s", code, out, stderr)
	}
}
