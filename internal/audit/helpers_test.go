package audit

import (
	"context"
	"encoding/binary"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// startLog starts a server in dir ("" for a new one) and opens the trail.
func startLog(t *testing.T, dir string) (*bustest.Server, *Log) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	srv := bustest.StartIn(t, dir, bus.Topology{})
	lg, err := Open(testCtx(t), srv.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	lg.idle = 500 * time.Millisecond // only tampered logs wait for it
	return srv, lg
}

// reattach restarts a server on dir and binds a Log to the trail as a
// process that opened it before the damage is bound: without Open's checks
// (Open would refuse a trail cut short or rewritten at its anchor).
func reattach(t *testing.T, dir string) (*bustest.Server, *Log) {
	t.Helper()
	ctx := testCtx(t)
	srv := bustest.StartIn(t, dir, bus.Topology{})
	st, err := srv.JS.Stream(ctx, StreamName)
	if err != nil {
		t.Fatal(err)
	}
	kv, err := srv.JS.KeyValue(ctx, BucketHead)
	if err != nil {
		t.Fatal(err)
	}
	lg := newLog(srv.JS, options{})
	lg.stream, lg.head, lg.idle = st, kv, 500*time.Millisecond
	if lg.anchor, lg.anchorRev, err = readAnchor(ctx, kv); err != nil {
		t.Fatal(err)
	}
	return srv, lg
}

// appendN appends n events; the i-th (from 1) has Object marker(i) and
// every third is in case C1.
func appendN(t *testing.T, lg *Log, n int) []Event {
	t.Helper()
	var out []Event
	for i := 1; i <= n; i++ {
		e := Event{Actor: "alice", Role: "caseworker", Action: "view", Object: marker(i)}
		if i%3 == 0 {
			e.Case, e.Action = "C1", "decision"
		}
		got, err := lg.Append(testCtx(t), e)
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		out = append(out, got)
	}
	return out
}

// kept is a mark kept elsewhere, as a witness.
func kept(m Mark) Witness {
	return Witness{Name: "the mark kept elsewhere", Head: Head{Seq: m.Seq, Hash: m.Hash}}
}

func marker(i int) string { return fmt.Sprintf("MARKER-%04d", i) }

func verify(t *testing.T, lg *Log, ws ...Witness) Report {
	t.Helper()
	rep, err := lg.Verify(testCtx(t), ws...)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func wantClean(t *testing.T, rep Report, records int) {
	t.Helper()
	if !rep.OK() || rep.Records != records {
		t.Fatalf("want a clean log of %d records, got %d records and problems %v", records, rep.Records, rep.Problems)
	}
}

// problemAt returns the problem at seq whose reason contains word.
func problemAt(rep Report, seq uint64, word string) (Problem, bool) {
	for _, p := range rep.Problems {
		if p.Seq == seq && strings.Contains(p.Reason, word) {
			return p, true
		}
	}
	return Problem{}, false
}

// blockFiles are the file-store blocks of FT_AUDIT under a server's
// storage dir (dir/jetstream/jetstream/$G/streams/FT_AUDIT/msgs/1.blk with
// nats-server 2.15).
func blockFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".blk") &&
			filepath.Base(filepath.Dir(filepath.Dir(p))) == StreamName {
			out = append(out, p)
		}
		return err
	})
	if err != nil || len(out) == 0 {
		t.Fatalf("no block files of %s under %s (%v): has the file store's layout changed?", StreamName, dir, err)
	}
	return out
}

// blockRecord is a record of a file-store block: where it lies and its
// sequence. The layout (nats-server 2.15 filestore.go): a 22-byte header —
// length (u32, top bit: has headers), sequence (u64), timestamp (i64),
// subject length (u16) — then the subject, the headers (u32 length and
// bytes), the payload, and an 8-byte highwayhash of all but the length.
type blockRecord struct {
	off, len int
	seq      uint64
}

func blockRecords(t *testing.T, b []byte) []blockRecord {
	t.Helper()
	var out []blockRecord
	for off := 0; off+22 <= len(b); {
		rl := int(binary.LittleEndian.Uint32(b[off:]) &^ (1 << 31))
		if rl < 22+8 || off+rl > len(b) {
			t.Fatalf("unexpected record length %d at %d: has the file store's layout changed?", rl, off)
		}
		out = append(out, blockRecord{off: off, len: rl, seq: binary.LittleEndian.Uint64(b[off+4:])})
		off += rl
	}
	return out
}
