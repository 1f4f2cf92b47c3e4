package audit

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
)

func TestTheAPIRefusesToRemoveRecords(t *testing.T) {
	ctx := testCtx(t)
	srv, lg := startLog(t, "")
	appendN(t, lg, 5)
	adm := srv.Admin(t) // every NATS permission: the stream's own settings refuse
	st, err := adm.Stream(ctx, StreamName)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteMsg(ctx, 2); err == nil {
		t.Error("DeleteMsg succeeded")
	}
	if err := st.SecureDeleteMsg(ctx, 2); err == nil {
		t.Error("SecureDeleteMsg succeeded")
	}
	if err := st.Purge(ctx); err == nil {
		t.Error("Purge succeeded")
	}
	if err := st.Purge(ctx, jetstream.WithPurgeSubject(subjectFor("C1"))); err == nil {
		t.Error("Purge of a case's subject succeeded")
	}
	cfg := streamConfig(1)
	cfg.DenyDelete, cfg.DenyPurge = false, false
	if _, err := adm.UpdateStream(ctx, cfg); err == nil {
		t.Error("the stream could be updated to allow deletes")
	}
	wantClean(t, verify(t, lg), 5)
}

func TestOpenRefusesAStreamThatAllowsRemoval(t *testing.T) {
	ctx := testCtx(t)
	srv := bustest.Start(t, bus.Topology{})
	cfg := streamConfig(1)
	cfg.DenyDelete, cfg.DenyPurge = false, false
	if _, err := srv.JS.CreateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, srv.JS, 1)
	if !errors.Is(err, ErrUnsafeStream) || !strings.Contains(err.Error(), "deny_delete") || !strings.Contains(err.Error(), "deny_purge") {
		t.Fatalf("Open = %v, want ErrUnsafeStream naming deny_delete and deny_purge", err)
	}
}

// Limits added to the stream after Open would let the server discard
// records; Verify reports them.
func TestVerifyReportsUnsafeSettings(t *testing.T) {
	ctx := testCtx(t)
	srv, lg := startLog(t, "")
	appendN(t, lg, 2)
	cfg := streamConfig(1)
	cfg.MaxAge = 24 * time.Hour
	if _, err := srv.Admin(t).UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	rep := verify(t, lg)
	if _, ok := problemAt(rep, 0, "max_age"); !ok || len(rep.Problems) != 1 {
		t.Fatalf("want one problem about max_age, got %v", rep.Problems)
	}
	if _, err := Open(ctx, srv.JS, 1); !errors.Is(err, ErrUnsafeStream) {
		t.Fatalf("Open = %v, want ErrUnsafeStream", err)
	}
}

// Whoever may publish on ft.audit.> can add records, but not ones that
// chain: a forged record is reported, and so is the head anchor's loss.
func TestVerifyReportsForgedRecordsAndAnchorLoss(t *testing.T) {
	ctx := testCtx(t)
	srv, lg := startLog(t, "")
	events := appendN(t, lg, 3)

	forge := func(b body, hash string) {
		t.Helper()
		data, _ := json.Marshal(record{body: b, Hash: hash})
		if _, err := srv.JS.Publish(ctx, subjectSys, data); err != nil {
			t.Fatal(err)
		}
	}
	b := bodyOf(Event{Time: time.Now(), Actor: "mallory", Action: "view", Prev: events[2].Hash})
	forge(b, "00"+b.hash()[2:]) // 4: a hash that does not match
	b = bodyOf(Event{Time: time.Now(), Actor: "mallory", Action: "view", Prev: events[0].Hash})
	forge(b, b.hash()) // 5: links to record 1, not 4
	b = bodyOf(Event{Time: time.Now(), Actor: "mallory", Action: "view", Case: "C9", Prev: b.hash()})
	forge(b, b.hash())                                                             // 6: filed outside its case's subject
	if _, err := srv.JS.Publish(ctx, subjectSys, []byte("not json")); err != nil { // 7
		t.Fatal(err)
	}
	if err := lg.head.Delete(ctx, headKey); err != nil {
		t.Fatal(err)
	}

	rep := verify(t, lg)
	for _, want := range []struct {
		seq  uint64
		word string
	}{{0, "anchor is missing"}, {4, "altered"}, {5, "broken chain"}, {6, "misfiled"}, {7, "undecodable"}} {
		if _, ok := problemAt(rep, want.seq, want.word); !ok {
			t.Errorf("no %q problem at %d in %v", want.word, want.seq, rep.Problems)
		}
	}
	if len(rep.Problems) != 5 || rep.Records != 6 {
		t.Fatalf("%d records and problems %v, want 6 and 5", rep.Records, rep.Problems)
	}

	// Reads still deliver what decodes, and say what they left out.
	n := 0
	err := lg.Read(ctx, 1, func(Event) error { n++; return nil })
	if !errors.Is(err, ErrIncomplete) || n != 6 {
		t.Fatalf("Read delivered %d: %v, want 6 and ErrIncomplete", n, err)
	}
	// Append refuses to chain onto a record it cannot decode.
	if _, err := lg.Append(ctx, Event{Actor: "alice", Action: "login"}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Append after an undecodable record = %v, want ErrCorrupt", err)
	}
}
