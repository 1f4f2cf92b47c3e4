package app_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/facetriage/facetriage/internal/app"
)

// Attack: a data directory that another local account can write (one it
// made in /tmp or on a shared volume, mode 0777) is used as it is: restore
// fills it and serve starts in it. That account then replaces serve.json
// (any file in a directory it may write) with one naming its own port,
// and the next command the operator runs (status, ingest, users, search)
// reads it and sends the application's NATS password, in the clear, to
// that port. Reproduced as root with `nobody` listening on 127.0.0.1:14222:
// `facetriage status` sent CONNECT {"user":"facetriage","pass":...}, the
// password of DATA/secrets/nats-app.userpass; `search` sends its API
// token to the HTTP address the file names in the same way.
// What tells commands how to reach serve must come from a directory and a
// file only facetriage's account can write, and name the loopback.
func TestAttackServeInfoOthersCouldWriteIsRefused(t *testing.T) {
	t.Run("a data directory others can write", func(t *testing.T) {
		dir := t.TempDir()
		if err := app.WriteServeInfo(dir, app.ServeInfo{NATS: "nats://127.0.0.1:4222", HTTP: "http://127.0.0.1:8650", PID: 1}); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, 0o777); err != nil {
			t.Fatal(err)
		}
		if si, err := app.ReadServeInfo(dir); err == nil {
			t.Errorf("serve.json read from a data directory of mode 0777: %+v", si)
		}
	})
	t.Run("a serve.json others can write", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "serve.json")
		if err := os.WriteFile(path, []byte(`{"nats":"nats://127.0.0.1:4222","http":"http://127.0.0.1:8650","pid":1}`), 0o666); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o666); err != nil {
			t.Fatal(err)
		}
		if si, err := app.ReadServeInfo(dir); err == nil {
			t.Errorf("a serve.json of mode 0666 was trusted: %+v", si)
		}
	})
	t.Run("a serve.json naming another host", func(t *testing.T) {
		dir := t.TempDir()
		if err := app.WriteServeInfo(dir, app.ServeInfo{NATS: "nats://attacker.example:4222", HTTP: "http://attacker.example", PID: 1}); err != nil {
			t.Fatal(err)
		}
		if si, err := app.ReadServeInfo(dir); err == nil {
			t.Errorf("the embedded server listens on the loopback only, but serve.json sends commands (and the NATS password) to %s", si.NATS)
		}
	})
}
