package app_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/bus/bustest"
)

// onMessage is a slog handler that calls fn, on the logging goroutine,
// for every record whose message contains text, then passes it on.
type onMessage struct {
	slog.Handler
	text string
	fn   func()
}

func (h onMessage) Handle(ctx context.Context, r slog.Record) error {
	if strings.Contains(r.Message, h.text) {
		h.fn()
	}
	return h.Handler.Handle(ctx, r)
}

func (h onMessage) WithAttrs(as []slog.Attr) slog.Handler {
	return onMessage{h.Handler.WithAttrs(as), h.text, h.fn}
}

// A write error that the old JetStream logs while the storage watch
// restarts it (a stream's last flush, on the disk that was full) says
// nothing about the JetStream that runs after the restart. It used to be
// taken as a new failure once the restart let go of the watch's lock, with
// the free space measured then as the level the disk failed at: the store
// then counted as full, with the disk nearly empty, until the free space
// grew by MinFree more, which it never did; ingest stayed paused until its
// deadline. Once space is back and JetStream restarted, the store takes
// writes, and keeps saying so.
func TestWriteErrorLoggedDuringTheRestartIsNotANewFailure(t *testing.T) {
	dir := smallDisk(t, 64<<20)
	var srv atomic.Pointer[server.Server]
	var logged atomic.Int32
	_, rec := newLogRecorder()
	log := slog.New(onMessage{Handler: rec, text: "space is back", fn: func() {
		// The watch holds its lock here and is about to shut JetStream
		// down; the old JetStream reports a write that failed for lack
		// of space.
		logged.Add(1)
		srv.Load().Errorf("JetStream failed to store a msg on stream '$G > KV_ft_photos': write %s: no space left on device",
			filepath.Join(dir, "jetstream", "1.blk"))
	}})
	rt := connect(t, dir, log)
	srv.Store(rt.Embedded.Server())
	storage := rt.WatchStorage(app.StorageOptions{MinFree: 1 << 20, Every: time.Hour})
	ctx := context.Background()
	if err := storage.Check(ctx); err != nil {
		t.Fatalf("before any failure: %v", err)
	}

	restartAfterFullDisk(t, dir, srv.Load(), storage, rt)
	if n := logged.Load(); n != 1 {
		t.Fatalf("the restart logged %d times that space is back, want 1", n)
	}
	// Past the time the watch reuses an answer: what it says now is what
	// the late report left behind.
	time.Sleep(1500 * time.Millisecond)
	if err := storage.Check(ctx); err != nil {
		t.Fatalf("after JetStream restarted with the space back: %v", err)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

// restartAfterFullDisk fills the disk under dir (8 MiB taken by another
// program), has the server report a write that failed for it, waits until
// the storage watch sees the failure, frees the space, and waits until the
// watch has restarted JetStream.
func restartAfterFullDisk(t *testing.T, dir string, srv *server.Server, storage *app.Storage, rt *app.Runtime) {
	t.Helper()
	ctx := context.Background()
	ballast := filepath.Join(dir, "ballast")
	if err := os.WriteFile(ballast, make([]byte, 8<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	srv.Errorf("Filestore [OBJ_ft_crops] Critical write error: write %s: no space left on device", filepath.Join(dir, "jetstream", "1.blk"))
	bustest.CheckFor(t, 10*time.Second, 50*time.Millisecond, func() error {
		if err := storage.Check(ctx); err == nil {
			return errorString("the write error is not seen")
		}
		return nil
	})
	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	bustest.CheckFor(t, 30*time.Second, 100*time.Millisecond, func() error {
		_ = storage.Check(ctx)
		if n := gauge(t, rt, "facetriage_jetstream_restarts_total"); n < 1 {
			return errorString("JetStream was not restarted")
		}
		return nil
	})
}
