package cli

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/bus"
)

// Attack: with the operator's NATS user (DATA/secrets), the audit stream
// is deleted under a running serve. serve then refuses every login and
// every audited action (500: nothing without its record, as it should),
// but /readyz still answers 200 "ready", so a load balancer or a monitor
// keeps sending people to a server that can do nothing, and nobody is
// told the trail is gone. Readiness must include the audit trail.
func TestAttackReadyzFailsWhenTheAuditTrailIsGone(t *testing.T) {
	dir := t.TempDir()
	si, _ := startServe(t, dir)
	admin, err := bus.ReadUserPass(filepath.Join(dir, "secrets", "nats-admin.userpass"))
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(si.NATS, nats.UserInfo(admin.User, admin.Password))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := js.DeleteStream(ctx, audit.StreamName); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(si.HTTP+"/api/v1/login", "application/json", strings.NewReader(`{"name":"nobody","password":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	t.Logf("a login with the trail gone: %d", resp.StatusCode)
	resp, err = http.Get(si.HTTP + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Errorf("/readyz with the audit stream deleted: %d %q, want 503 naming the trail", resp.StatusCode, strings.TrimSpace(string(body)))
	}
}
