package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

// A work queue that JetStream cannot bring back from its files when it
// restarts after a full disk (a block or state file the disk cut short;
// seen once as "corrupt state file" on the decode queue) is made again,
// empty, by the topology: the photos that waited in it would stay in
// flight for ever, and nothing would say so. The restart compares every
// stream before and after, and says, as an error, which one lost what,
// and what to do. Here the decode queue's files vanish while the old
// JetStream shuts down.
func TestAQueueLostInTheRestartIsReported(t *testing.T) {
	dir := smallDisk(t, 64<<20)
	queue := func() string {
		ms, _ := filepath.Glob(filepath.Join(dir, "jetstream", "*", "*", "streams", bus.StreamOf(bus.StageDecode)))
		if len(ms) != 1 {
			t.Fatalf("the decode queue's folder: %v", ms)
		}
		return ms[0]
	}
	logger, rec := newLogRecorder()
	log := slog.New(onMessage{Handler: logger.Handler(), text: "space is back", fn: func() {
		if err := os.RemoveAll(queue()); err != nil {
			t.Error(err)
		}
	}})
	rt := connect(t, dir, log)
	storage := rt.WatchStorage(app.StorageOptions{MinFree: 1 << 20, Every: time.Hour})
	ctx := context.Background()
	const waiting = 3
	for i := 0; i < waiting; i++ {
		sha := photoSHA(i)
		if err := rt.Publisher().Publish(ctx, bus.StageDecode, &facetriagepb.PhotoJob{Sha256: sha, Path: fmt.Sprintf("p%d.jpg", i)}, sha); err != nil {
			t.Fatal(err)
		}
	}

	restartAfterFullDisk(t, dir, rt.Embedded.Server(), storage, rt)

	said := rec.lines("ERROR", "could not recover a work queue", "run ingest again", "stream="+bus.StreamOf(bus.StageDecode), fmt.Sprintf("messages_before=%d", waiting))
	if len(said) != 1 {
		t.Fatalf("the lost queue was reported %d times, want once; errors logged: %q", len(said), rec.lines("ERROR"))
	}
	t.Logf("said: %s", said[0])
	for _, l := range rec.lines("ERROR", "could not recover") {
		if !strings.Contains(l, bus.StreamOf(bus.StageDecode)) {
			t.Errorf("a stream that lost nothing is reported: %s", l)
		}
	}
	// The queue is there again, and takes work.
	if err := rt.Publisher().Publish(ctx, bus.StageDecode, &facetriagepb.PhotoJob{Sha256: photoSHA(9), Path: "again.jpg"}, photoSHA(9)); err != nil {
		t.Fatalf("the decode queue after the restart: %v", err)
	}
}
