package app_test

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
	"github.com/facetriage/facetriage/internal/config"
)

// A data directory from before store encryption (a plain store, no
// secrets) is encrypted at its first start: the data read back, no file of
// the store holds them in plain text, and later starts still load every
// stream (which nats-server's own in-place conversion does not achieve).
func TestAPlainStoreIsEncryptedAtFirstStart(t *testing.T) {
	const marker = "MARKER-plain-store-family-contact"
	ctx := context.Background()
	dir := t.TempDir()
	srv := bustest.StartIn(t, dir, bus.Topology{})
	kv, err := srv.JS.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "ft_marker", Storage: jetstream.FileStorage})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "k", []byte(marker)); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	// An interrupted earlier attempt left its new store behind.
	os.MkdirAll(filepath.Join(dir, ".encrypting", "jetstream"), 0o700)

	for start := range 3 {
		rt, err := app.Connect(ctx, config.Config{DataDir: dir}, slog.New(slog.DiscardHandler), app.Own)
		if err != nil {
			t.Fatalf("start %d: %v", start, err)
		}
		kv, err := rt.JS.KeyValue(ctx, "ft_marker")
		if err != nil {
			t.Fatalf("start %d: %v", start, err)
		}
		if e, err := kv.Get(ctx, "k"); err != nil || string(e.Value()) != marker {
			t.Fatalf("start %d: the marker reads %v, %v", start, e, err)
		}
		rt.Close()
		st, err := bus.InspectStore(filepath.Join(dir, "jetstream"))
		if err != nil || !st.Encrypted || len(st.Plain()) > 0 {
			t.Fatalf("start %d: the store: %+v, %v", start, st, err)
		}
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(marker)) {
				t.Errorf("%s holds the marker in plain text", p)
			}
		}
		return err
	})
	for _, gone := range []string{".encrypting", "jetstream.plain"} {
		if _, err := os.Stat(filepath.Join(dir, gone)); err == nil {
			t.Errorf("%s is left behind", gone)
		}
	}
}
