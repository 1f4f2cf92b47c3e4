package archive_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
)

// A retried photo puts its crops again. Putting a crop the store already
// holds, byte for byte, must write nothing: a put of an existing name makes
// JetStream purge the old revision (the meta's roll-up, then the client's
// purge of the old chunks), and nats-server 2.15's file store deadlocks
// when such a purge's write meets a full disk (PurgeEx holds the store's
// lock and its flush, failing, takes it again: filestore.go PurgeEx →
// msgBlock.flushPendingMsgs → fileStore.rebuildState). The crops stream
// then hangs, and JetStream's shutdown with it. A different crop under the
// same name still replaces the old one.
func TestPutCropAgainWritesNothing(t *testing.T) {
	srv := bustest.Start(t, bus.Topology{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cat, err := archive.Open(ctx, srv.JS)
	if err != nil {
		t.Fatal(err)
	}
	st, err := srv.JS.Stream(ctx, "OBJ_"+bus.ObjectCrops)
	if err != nil {
		t.Fatal(err)
	}
	lastSeq := func() uint64 {
		t.Helper()
		info, err := st.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return info.State.LastSeq
	}
	name := archive.CropName("ab12", 0)
	jpeg := bytes.Repeat([]byte("crop"), 1000)
	if err := cat.PutCrop(ctx, name, jpeg); err != nil {
		t.Fatal(err)
	}
	before := lastSeq()
	if err := cat.PutCrop(ctx, name, bytes.Clone(jpeg)); err != nil {
		t.Fatal(err)
	}
	if after := lastSeq(); after != before {
		t.Errorf("putting the same crop again wrote to the crops stream (last sequence %d, then %d): a retried photo would make JetStream purge the old revision", before, after)
	}
	if b, err := cat.Crop(ctx, name); err != nil || !bytes.Equal(b, jpeg) {
		t.Fatalf("crop after the second put: %d bytes, %v", len(b), err)
	}

	other := bytes.Repeat([]byte("CROP"), 900)
	if err := cat.PutCrop(ctx, name, other); err != nil {
		t.Fatal(err)
	}
	if b, err := cat.Crop(ctx, name); err != nil || !bytes.Equal(b, other) {
		t.Fatalf("a different crop under the same name did not replace the old one: %d bytes, %v", len(b), err)
	}
}
