package bus_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
)

// Attack: the application user may not purge the audit trail's head
// anchor through the JetStream API ($JS.API.STREAM.PURGE.KV_ft_audit_head
// is denied), but the anchor is a key-value bucket, whose stream allows
// rollups: a plain publish to $KV.ft_audit_head.<key> with the header
// "Nats-Rollup: all" (or a key-value Purge, which is a publish with
// "Nats-Rollup: sub") wipes it. Reproduced against serve with the password
// in DATA/secrets/nats-app.userpass; `facetriage audit verify` then fails
// with "the head anchor is missing". The application user must not be able
// to remove the anchor by any path.
func TestAttackTheApplicationUserCannotWipeTheAnchor(t *testing.T) {
	ctx := testCtx(t)
	srv := bustest.Start(t, bus.Topology{})
	js, _ := dialApp(t, srv)
	lg, err := audit.Open(ctx, js, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := lg.Append(ctx, audit.Event{Actor: "alice", Action: "login"}); err != nil {
			t.Fatal(err)
		}
	}
	attempt := func(name string, call func(ctx context.Context) error) {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		if err := call(ctx); err == nil {
			t.Logf("%s: accepted", name)
		}
	}
	attempt("key-value purge of every key", func(ctx context.Context) error {
		kv, err := js.KeyValue(ctx, audit.BucketHead)
		if err != nil {
			return err
		}
		keys, err := kv.Keys(ctx)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := kv.Purge(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
	attempt("rollup of the whole bucket", func(ctx context.Context) error {
		m := nats.NewMsg("$KV." + audit.BucketHead + ".x")
		m.Header.Set(jetstream.MsgRollup, jetstream.MsgRollupAll)
		_, err := js.PublishMsg(ctx, m)
		return err
	})
	rep, err := lg.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("after the application user's publishes, the trail no longer verifies: %v", rep.Problems)
	}
}
