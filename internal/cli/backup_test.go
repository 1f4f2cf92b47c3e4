package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/config"
)

const familyContact = "MARKER-family-phone-+963-11-555-0199"

// fillDataDir gives a data directory an account, a case with a family's
// contact details, audit records and a file of its own, while a process
// owns it as serve would. It returns the case's ID.
func fillDataDir(t *testing.T, rt *app.Runtime) string {
	t.Helper()
	ctx := context.Background()
	as, err := auth.Open(ctx, rt.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := as.AddUser(ctx, "alice", auth.RoleCaseworker, "correct horse battery staple"); err != nil {
		t.Fatal(err)
	}
	lg, err := rt.OpenAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := cases.Open(ctx, rt.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	cs.Audit = lg
	c, err := cs.Create(ctx, cases.Actor{Name: "alice", Role: auth.RoleCaseworker, Via: auth.ViaSession}, cases.Fields{Name: "Missing person", Contact: familyContact})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := lg.Append(ctx, audit.Event{Actor: "alice", Action: "login"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(rt.Cfg.DataDirOrDefault(), "secrets", "witness.json"), []byte(`{"head":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// TestBackupAndRestore backs a data directory up while it is in use and
// again when it is not, restores into a new directory, and finds the
// account, the case and the audit trail (which verifies) back. The backup
// holds no plain copy of the family's details; a restore refuses a
// non-empty target, a wrong key and a changed byte, and leaves nothing
// behind when it refuses.
func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	dir, out := t.TempDir(), t.TempDir()
	log := slog.New(slog.DiscardHandler)
	rt, err := app.Connect(ctx, config.Config{DataDir: dir}, log, app.Own)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.WriteServeInfo(dir, app.ServeInfo{NATS: rt.Embedded.URL(), PID: os.Getpid()}); err != nil {
		t.Fatal(err)
	}
	caseID := fillDataDir(t, rt)
	live := filepath.Join(out, "live.ftbackup")
	code, stdout, stderr := run(t, "--data", dir, "backup", "--out", live)
	rt.Close()
	app.RemoveServeInfo(dir)
	if code != ExitOK || !strings.Contains(stdout, "streams") {
		t.Fatalf("backup while in use: exit %d\n%s%s", code, stdout, stderr)
	}
	idle := filepath.Join(out, "idle.ftbackup")
	if code, stdout, stderr := run(t, "--data", dir, "backup", "--out", idle); code != ExitOK {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, _ := run(t, "--data", dir, "backup", "--out", idle); code == ExitOK {
		t.Fatal("backup replaced an existing file")
	}
	raw, err := os.ReadFile(live)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("age-encryption.org/v1")) || bytes.Contains(raw, []byte(familyContact)) || bytes.Contains(raw, []byte("alice")) {
		t.Fatal("the backup is not an age file, or holds the family's details in plain text")
	}
	keyFile := filepath.Join(dir, "secrets", "store.key")

	for _, backup := range []string{live, idle} {
		target := filepath.Join(t.TempDir(), "restored")
		code, stdout, stderr := run(t, "--data", target, "restore", "--from", backup, "--key-file", keyFile)
		// The 4 records backed up, the new head file's start and the restore.
		if code != ExitOK || !strings.Contains(stdout, "audit trail: 6 records verified") {
			t.Fatalf("restore %s: exit %d\n%s%s", filepath.Base(backup), code, stdout, stderr)
		}
		t.Log(strings.TrimSpace(stdout))
		checkRestored(t, dir, target, caseID)
	}

	// Refusals, each leaving the target as it was.
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "keep"), nil, 0o600)
	if code, _, stderr := run(t, "--data", full, "restore", "--from", live, "--key-file", keyFile); code == ExitOK || !strings.Contains(stderr, "new or empty") {
		t.Errorf("restore into a non-empty directory: exit %d: %s", code, stderr)
	}
	wrongKey := filepath.Join(out, "wrong.key")
	os.WriteFile(wrongKey, []byte(bus.RandomSecret()), 0o600)
	target := filepath.Join(t.TempDir(), "restored")
	if code, _, stderr := run(t, "--data", target, "restore", "--from", live, "--key-file", wrongKey); code == ExitOK || !strings.Contains(stderr, "cannot be decrypted") {
		t.Errorf("restore with a wrong key: exit %d: %s", code, stderr)
	}
	assertGone(t, target)
	for _, at := range []int{len(raw) / 3, len(raw) - 20} {
		bad := bytes.Clone(raw)
		bad[at] ^= 0x01
		badFile := filepath.Join(out, "bad.ftbackup")
		os.WriteFile(badFile, bad, 0o600)
		code, _, stderr := run(t, "--data", target, "restore", "--from", badFile, "--key-file", keyFile)
		if code == ExitOK || !strings.Contains(stderr, "damaged") {
			t.Errorf("restore of a backup with byte %d changed: exit %d: %s", at, code, stderr)
		}
		assertGone(t, target)
	}
	cut := filepath.Join(out, "cut.ftbackup")
	os.WriteFile(cut, raw[:len(raw)*2/3], 0o600)
	if code, _, stderr := run(t, "--data", target, "restore", "--from", cut, "--key-file", keyFile); code == ExitOK || !strings.Contains(stderr, "damaged") {
		t.Errorf("restore of a cut backup: exit %d: %s", code, stderr)
	}
	assertGone(t, target)
}

// checkRestored opens the restored directory and finds the data back.
func checkRestored(t *testing.T, orig, target, caseID string) {
	t.Helper()
	ctx := context.Background()
	rt, err := app.Connect(ctx, config.Config{DataDir: target}, slog.New(slog.DiscardHandler), app.Own)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	as, err := auth.Open(ctx, rt.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	users, err := as.Users(ctx)
	if err != nil || len(users) != 1 || users[0].Name != "alice" {
		t.Fatalf("users: %+v, %v", users, err)
	}
	lg, err := rt.OpenAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := lg.Verify(ctx)
	if err != nil || !rep.OK() || rep.Records != 6 {
		t.Fatalf("audit: %+v, %v", rep, err)
	}
	var restored bool
	lg.Read(ctx, 1, func(e audit.Event) error {
		restored = restored || e.Action == "trail_restored" && e.Detail["backup_stream_created"] != ""
		return nil
	})
	if !restored {
		t.Error("the trail does not record that it was restored from a backup")
	}
	cs, err := cases.Open(ctx, rt.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	cs.Audit = lg
	c, err := cs.Get(ctx, cases.Actor{Name: "alice", Role: auth.RoleCaseworker, Via: auth.ViaSession}, caseID)
	if err != nil || c.Contact != familyContact {
		t.Fatalf("case: %+v, %v", c, err)
	}
	if b, err := os.ReadFile(filepath.Join(target, "secrets", "witness.json")); err != nil || string(b) != `{"head":"x"}` {
		t.Fatalf("the data directory's own file: %q, %v", b, err)
	}
	oldKey, _ := os.ReadFile(filepath.Join(orig, "secrets", "store.key"))
	newKey, _ := os.ReadFile(filepath.Join(target, "secrets", "store.key"))
	oldApp, _ := os.ReadFile(filepath.Join(orig, "secrets", "nats-app.userpass"))
	newApp, _ := os.ReadFile(filepath.Join(target, "secrets", "nats-app.userpass"))
	if !bytes.Equal(oldKey, newKey) || bytes.Equal(oldApp, newApp) || len(newApp) == 0 {
		t.Fatal("the restored directory should keep the store key and have new NATS passwords")
	}
	st, err := bus.InspectStore(filepath.Join(target, "jetstream"))
	if err != nil || !st.Encrypted || len(st.Plain()) > 0 {
		t.Fatalf("the restored store is not encrypted: %+v, %v", st, err)
	}
}

func assertGone(t *testing.T, dir string) {
	t.Helper()
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		t.Fatalf("a refused restore left %d entries in %s", len(entries), dir)
	}
}
