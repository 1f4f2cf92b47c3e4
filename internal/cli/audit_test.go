package cli

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/bus/bustest"
	"github.com/facetriage/facetriage/internal/config"
)

// TestAuditVerifyDetectsTampering writes audit records through the
// application, alters one of them in JetStream's files on disk (as someone
// with access to the server's storage could), and runs `facetriage audit
// verify`: it must name the altered record and exit non-zero.
func TestAuditVerifyDetectsTampering(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Config{DataDir: dir}
	ctx := context.Background()
	rt, err := app.Connect(ctx, cfg, slog.New(slog.DiscardHandler), app.Own)
	if err != nil {
		t.Fatal(err)
	}
	lg, err := rt.OpenAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var target uint64
	for i := 1; i <= 12; i++ {
		e, err := lg.Append(ctx, audit.Event{Actor: "omar", Role: "reviewer", Action: "decision", Case: "CABCDEFGHIJKL",
			Object: fmt.Sprintf("caesar/215/%04d", i), Detail: map[string]string{"verdict": "excluded", "reason": "different ears"}})
		if err != nil {
			t.Fatal(err)
		}
		if i == 7 {
			target = e.Seq
		}
	}
	// Where record 7's "excluded" lies in the (encrypted) block file.
	off := bustest.StoredOffset(t, rt.NC, audit.StreamName, target, []byte("excluded"))
	rt.Close()

	code, out, stderr := run(t, "--data", dir, "audit", "verify")
	if code != ExitOK || !strings.Contains(out, "intact") {
		t.Fatalf("untouched trail: exit %d: %s %s", code, out, stderr)
	}

	// Turn record 7's "excluded" into "exclUded" in the block file: the
	// store is encrypted, but with a key stream, so XOR-ing the file's byte
	// changes the record's byte without the key.
	bustest.XORStored(t, bustest.BlockFile(dir, audit.StreamName), off+4, []byte{'e' ^ 'U'})
	code, out, stderr = run(t, "--data", dir, "audit", "verify")
	if code != ExitError {
		t.Fatalf("altered trail: exit %d, want %d: %s", code, ExitError, out)
	}
	if !strings.Contains(out, fmt.Sprintf("record %d:", target)) || !strings.Contains(stderr, "altered") {
		t.Fatalf("verify did not name record %d:\n%s\n%s", target, out, stderr)
	}
	t.Logf("audit verify reported:\n%s", out)
}
