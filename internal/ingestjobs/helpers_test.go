package ingestjobs_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/ingestjobs"
	"github.com/facetriage/facetriage/internal/pipelinetest"
	"github.com/facetriage/facetriage/internal/testfile"
)

var (
	batch = auth.Actor{Name: "batch", Role: auth.RoleIngest, Via: auth.ViaToken, Token: "t1"}
	admin = auth.Actor{Name: "admin", Role: auth.RoleAdmin, Via: auth.ViaSession}
)

// open starts the service on the rig's JetStream, uploads kept in dir.
func open(t *testing.T, rig *pipelinetest.Rig, dir string, adjust ...func(*ingestjobs.Config)) *ingestjobs.Service {
	t.Helper()
	ctx := context.Background()
	lg, err := audit.Open(ctx, rig.Srv.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := ingestjobs.Config{Ingester: &ingest.Ingester{Publisher: bus.Publisher{JS: rig.Srv.JS}, Catalogue: rig.Catalog},
		Failures: rig.Catalog, JS: rig.Srv.JS, Replicas: 1, Audit: lg, Dir: dir,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	for _, f := range adjust {
		f(&cfg)
	}
	s, err := ingestjobs.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// wait reads a job until it ends.
func wait(t *testing.T, s *ingestjobs.Service, id string) ingestjobs.Job {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // a safety net, not a timing
	for {
		j, err := s.Job(context.Background(), admin, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Ended() {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s", id, j.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type member = testfile.Member

func zipOf(t *testing.T, members ...member) []byte { return testfile.Zip(t, members...) }

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
