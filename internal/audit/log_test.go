package audit

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestAppendReadForCaseVerify(t *testing.T) {
	ctx := testCtx(t)
	_, lg := startLog(t, "")

	before := time.Now().UTC()
	events := appendN(t, lg, 12)
	odd, err := lg.Append(ctx, Event{Actor: "bob", Action: "export", Case: "case 7.b*", Object: "bad\xffutf8",
		Detail: map[string]string{"z": "1", "a": "<&>"}})
	if err != nil {
		t.Fatal(err)
	}
	events = append(events, odd)

	for i, e := range events {
		if e.Seq != uint64(i+1) {
			t.Fatalf("event %d has seq %d", i, e.Seq)
		}
		prev := ""
		if i > 0 {
			prev = events[i-1].Hash
		}
		if e.Prev != prev || len(e.Hash) != 64 {
			t.Fatalf("event %d: prev %q hash %q, want prev %q", i, e.Prev, e.Hash, prev)
		}
		if e.Time.Before(before) || e.Time.Location() != time.UTC {
			t.Fatalf("event %d: time %v not set to now in UTC", i, e.Time)
		}
	}
	if odd.Object != "bad\uFFFDutf8" {
		t.Fatalf("invalid UTF-8 stored as %q", odd.Object)
	}

	var all []Event
	if err := lg.Read(ctx, 1, func(e Event) error { all = append(all, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(all, events) {
		t.Fatalf("read back\n%+v\nwant\n%+v", all, events)
	}
	var tail []Event
	if err := lg.Read(ctx, 10, func(e Event) error { tail = append(tail, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tail, events[9:]) {
		t.Fatalf("read from 10: %d events, want %d", len(tail), len(events[9:]))
	}
	stop := errors.New("stop")
	n := 0
	if err := lg.Read(ctx, 1, func(Event) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Fatalf("Read does not stop at fn's error: %v after %d", err, n)
	}

	c1, err := lg.ForCase(ctx, "C1")
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{events[2], events[5], events[8], events[11]}
	if !reflect.DeepEqual(c1, want) {
		t.Fatalf("ForCase(C1) = %+v\nwant %+v", c1, want)
	}
	got, err := lg.ForCase(ctx, "case 7.b*")
	if err != nil || len(got) != 1 || got[0].Seq != odd.Seq {
		t.Fatalf("ForCase of an ID that is no subject token: %+v, %v", got, err)
	}
	start := time.Now()
	if got, err := lg.ForCase(ctx, "C404"); err != nil || len(got) != 0 {
		t.Fatalf("ForCase of a case with no events: %+v, %v", got, err)
	}
	if d := time.Since(start); d > lg.idle {
		t.Fatalf("ForCase of a case with no events waited %v", d)
	}

	rep := verify(t, lg)
	wantClean(t, rep, len(events))
	last := Mark{Seq: odd.Seq, Hash: odd.Hash}
	if rep.Head != last || rep.Anchor != last {
		t.Fatalf("report head %+v anchor %+v, want %+v", rep.Head, rep.Anchor, last)
	}
	seq, hash, err := lg.Head(ctx)
	if err != nil || seq != last.Seq || hash != last.Hash {
		t.Fatalf("Head = %d %s %v, want %+v", seq, hash, err, last)
	}
	wantClean(t, verify(t, lg, kept(Mark{Seq: 5, Hash: events[4].Hash}), kept(last)), len(events))
}

func TestAppendRefusesIncompleteEvents(t *testing.T) {
	_, lg := startLog(t, "")
	for _, e := range []Event{{Action: "login"}, {Actor: "alice"}, {Actor: " ", Action: "view"}} {
		if _, err := lg.Append(testCtx(t), e); !errors.Is(err, ErrInvalid) {
			t.Fatalf("Append(%+v) = %v, want ErrInvalid", e, err)
		}
	}
	if _, err := lg.ForCase(testCtx(t), ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("ForCase(\"\") = %v, want ErrInvalid", err)
	}
	wantClean(t, verify(t, lg), 0)
}

func TestReopenContinuesTheChain(t *testing.T) {
	srv, lg := startLog(t, "")
	first := appendN(t, lg, 3)
	again, err := Open(testCtx(t), srv.JS, 1) // a second process, or a restart
	if err != nil {
		t.Fatal(err)
	}
	e, err := again.Append(testCtx(t), Event{Actor: "system", Action: "rematch"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 4 || e.Prev != first[2].Hash {
		t.Fatalf("reopened log appended seq %d prev %s, want 4 and %s", e.Seq, e.Prev, first[2].Hash)
	}
	// The first Log's cached tail is stale now: it must re-read and chain on.
	e, err = lg.Append(testCtx(t), Event{Actor: "alice", Action: "logout"})
	if err != nil || e.Seq != 5 {
		t.Fatalf("stale Log appended seq %d (%v), want 5", e.Seq, err)
	}
	wantClean(t, verify(t, lg), 5)
}
