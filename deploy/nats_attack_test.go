package deploy

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
)

// Attack: a pipeline stage's NATS user (the decode stage parses hostile
// images: the likeliest to be taken over) may write the catalogue's
// buckets and purge the crops' object store, as its work needs; but
// nothing stops it from wiping them whole. One publish to
// $KV.ft_photos.<any> with "Nats-Rollup: all" empties the catalogue of
// every photo, and one $JS.API.STREAM.PURGE.OBJ_ft_crops without a subject
// filter deletes every face crop of the archive. Least privilege for a
// worker means it can damage the records it writes, not erase everyone's.
func TestAttackAWorkerCannotWipeTheArchive(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := startCluster(t)
	api := c.dial(t, bus.RoleAPI)
	if err := (bus.Topology{Replicas: 1}).Ensure(ctx, api.js); err != nil {
		t.Fatal(err)
	}
	photos, err := api.js.KeyValue(ctx, bus.BucketPhotos)
	if err != nil {
		t.Fatal(err)
	}
	crops, err := api.js.ObjectStore(ctx, bus.ObjectCrops)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := photos.Put(ctx, "photo1", []byte(`{"sha256":"photo1"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := crops.PutBytes(ctx, "photo1-0.jpg", []byte("a face crop")); err != nil {
		t.Fatal(err)
	}

	w := c.dial(t, bus.RoleDecode)
	try := func(call func(ctx context.Context) error) {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		_ = call(ctx) // refused or not: what remains is checked below
	}
	try(func(ctx context.Context) error {
		m := nats.NewMsg("$KV." + bus.BucketPhotos + ".wipe")
		m.Header.Set(jetstream.MsgRollup, jetstream.MsgRollupAll)
		_, err := w.js.PublishMsg(ctx, m)
		return err
	})
	try(func(ctx context.Context) error {
		st, err := w.js.Stream(ctx, "OBJ_"+bus.ObjectCrops)
		if err != nil {
			return err
		}
		return st.Purge(ctx)
	})

	if _, err := photos.Get(ctx, "photo1"); err != nil {
		t.Errorf("the decode stage's user wiped the catalogue with one rollup publish: photo1: %v", err)
	}
	if _, err := crops.GetBytes(ctx, "photo1-0.jpg"); err != nil {
		t.Errorf("the decode stage's user purged every face crop: %v", err)
	}
}
