package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/bus"
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

func connect(t *testing.T, dir string) *app.Runtime {
	t.Helper()
	rt, err := app.Connect(context.Background(), config.Config{DataDir: dir}, slog.New(slog.DiscardHandler), app.Own)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Close)
	return rt
}

// admin is a connection to rt's embedded server as its administrative
// user: the server's own credentials, which an attacker with the data
// directory holds.
func admin(t *testing.T, rt *app.Runtime) jetstream.JetStream {
	t.Helper()
	up, err := app.LoadAdminUser(rt.Cfg.DataDirOrDefault())
	if err != nil {
		t.Fatal(err)
	}
	nc, err := bus.Client{URL: rt.Embedded.URL(), UserPass: &up, Role: bus.RoleOps, Name: "attacker"}.Connect(slog.New(slog.DiscardHandler))
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

// trail opens the data directory as serve does, appends n records and
// returns the runtime still open, for the test to attack through its NATS
// connection (the server's own credentials).
func trail(t *testing.T, dir string, n int) *app.Runtime {
	t.Helper()
	ctx := context.Background()
	rt := connect(t, dir)
	lg, err := rt.OpenAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := lg.Append(ctx, audit.Event{Actor: "omar", Role: "reviewer", Action: "view", Object: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	return rt
}

// wantFailure runs audit verify and wants exit 1 with every word named.
func wantFailure(t *testing.T, dir string, words ...string) string {
	t.Helper()
	code, out, stderr := run(t, "--data", dir, "audit", "verify")
	if code != ExitError {
		t.Fatalf("audit verify: exit %d, want %d:\n%s%s", code, ExitError, out, stderr)
	}
	for _, w := range words {
		if !strings.Contains(out, w) || !strings.Contains(stderr, "failed verification") {
			t.Errorf("audit verify does not say %q:\n%s%s", w, out, stderr)
		}
	}
	return out
}

// streamsExist reports whether the audit stream and its anchor bucket
// exist, looked up without creating them.
func streamsExist(t *testing.T, dir string) (stream, bucket bool) {
	t.Helper()
	ctx := context.Background()
	rt := connect(t, dir)
	defer rt.Close()
	_, err := rt.JS.Stream(ctx, audit.StreamName)
	stream = !errors.Is(err, jetstream.ErrStreamNotFound)
	_, err = rt.JS.KeyValue(ctx, audit.BucketHead)
	bucket = !errors.Is(err, jetstream.ErrBucketNotFound)
	return stream, bucket
}

// The finding: DeleteStream FT_AUDIT and DeleteStream KV_ft_audit_head
// through NATS, then audit verify. It must fail naming both, create
// nothing, and serve's way of opening the trail must refuse it until an
// operator restarts the trail, which records the old head.
func TestAuditVerifyReportsADeletedTrail(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	rt := trail(t, dir, 12)
	js := admin(t, rt)
	if err := js.DeleteStream(ctx, audit.StreamName); err != nil {
		t.Fatal(err)
	}
	if err := js.DeleteStream(ctx, "KV_"+audit.BucketHead); err != nil {
		t.Fatal(err)
	}
	rt.Close()

	out := wantFailure(t, dir, "the audit stream FT_AUDIT does not exist: it was deleted",
		"the head file names record 12", "the head anchor bucket ft_audit_head does not exist")
	t.Logf("audit verify reported:\n%s", out)
	wantFailure(t, dir, "does not exist: it was deleted") // still: nothing was made again
	if s, b := streamsExist(t, dir); s || b {
		t.Fatalf("verify made the stream (%v) or the bucket (%v) again", s, b)
	}
	rt = connect(t, dir)
	if _, err := rt.OpenAudit(ctx); !errors.Is(err, audit.ErrDamaged) {
		t.Fatalf("opening the trail as serve does = %v, want ErrDamaged", err)
	}
	rt.Close()

	code, out, stderr := run(t, "--data", dir, "audit", "restart", "--reason", "FT_AUDIT deleted through NATS")
	if code != ExitOK || !strings.Contains(out, "record 12") {
		t.Fatalf("audit restart: exit %d:\n%s%s", code, out, stderr)
	}
	code, out, stderr = run(t, "--data", dir, "audit", "verify")
	if code != ExitOK || !strings.Contains(out, "replacing a trail whose head was record 12") ||
		!strings.Contains(out, "FT_AUDIT deleted through NATS") {
		t.Fatalf("verify after the restart: exit %d:\n%s%s", code, out, stderr)
	}
	trail(t, dir, 1) // serve can open it again
}

// The finding: UpdateStream(FT_AUDIT, MaxMsgs=10) discards the oldest
// records. audit verify names the setting and the records gone, and keeps
// naming the records after the limit is lifted.
func TestAuditVerifyReportsATruncatedTrail(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	rt := trail(t, dir, 12)
	st, err := rt.JS.Stream(ctx, audit.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	cfg := st.CachedInfo().Config
	cfg.MaxMsgs = 10
	if _, err := admin(t, rt).UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	rt.Close()
	out := wantFailure(t, dir, "max_msgs discards old records", "records 1 to 2: missing")
	t.Logf("audit verify reported:\n%s", out)

	rt = connect(t, dir)
	if _, err := rt.OpenAudit(ctx); !errors.Is(err, audit.ErrUnsafeStream) {
		t.Fatalf("opening the trail as serve does = %v, want ErrUnsafeStream", err)
	}
	cfg.MaxMsgs = 0 // lifted again, as an attacker covering tracks would
	if _, err := admin(t, rt).UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.OpenAudit(ctx); !errors.Is(err, audit.ErrDamaged) {
		t.Fatalf("opening the trail as serve does = %v, want ErrDamaged", err)
	}
	rt.Close()
	wantFailure(t, dir, "records 1 to 2: missing: before the first record")
}

// A head kept elsewhere catches what the data directory alone cannot: an
// attacker who deletes the stream, its anchor and the head file leaves a
// fresh-looking installation, and only the exported head shows the loss.
func TestAuditHeadKeptElsewhere(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	trail(t, dir, 5).Close()
	code, head, stderr := run(t, "--data", dir, "audit", "head")
	if code != ExitOK || !strings.Contains(head, `"seq": 5`) {
		t.Fatalf("audit head: exit %d:\n%s%s", code, head, stderr)
	}
	kept := filepath.Join(t.TempDir(), "head.json")
	if err := os.WriteFile(kept, []byte(head), 0o600); err != nil {
		t.Fatal(err)
	}
	trail(t, dir, 3).Close()
	if code, out, stderr := run(t, "--data", dir, "audit", "verify", "--head", kept); code != ExitOK {
		t.Fatalf("verify against the kept head: exit %d:\n%s%s", code, out, stderr)
	}

	rt := connect(t, dir)
	js := admin(t, rt)
	for _, name := range []string{audit.StreamName, "KV_" + audit.BucketHead} {
		if err := js.DeleteStream(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	rt.Close()
	if err := os.Remove(filepath.Join(dir, audit.HeadFile)); err != nil {
		t.Fatal(err)
	}
	trail(t, dir, 9).Close() // nothing local is left to tell
	code, out, stderr := run(t, "--data", dir, "audit", "verify", "--head", kept)
	if code != ExitError || !strings.Contains(out, "recreated: the head kept elsewhere") {
		t.Fatalf("verify against the kept head after a rewrite: exit %d:\n%s%s", code, out, stderr)
	}
	// A kept head that was altered is not taken at its word.
	os.WriteFile(kept, []byte(strings.Replace(head, `"seq": 5`, `"seq": 4`, 1)), 0o600)
	if code, out, _ := run(t, "--data", dir, "audit", "verify", "--head", kept); code != ExitError || !strings.Contains(out, "signature does not match") {
		t.Fatalf("an altered kept head: exit %d:\n%s", code, out)
	}
}
