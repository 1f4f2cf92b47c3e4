package audit

import (
	"bufio"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
)

// witnessed is a trail opened as serve opens it: with the head file.
type witnessed struct {
	srv  *bustest.Server
	lg   *Log
	path string
	key  ed25519.PrivateKey
}

func openWitnessed(t *testing.T) *witnessed {
	t.Helper()
	srv := bustest.Start(t, bus.Topology{})
	w := &witnessed{srv: srv, path: filepath.Join(t.TempDir(), HeadFile), key: newKey(t)}
	w.lg = w.open(t)
	return w
}

func (w *witnessed) open(t *testing.T) *Log {
	t.Helper()
	lg, err := Open(testCtx(t), w.srv.JS, 1, WithWitness(w.path, w.key))
	if err != nil {
		t.Fatal(err)
	}
	lg.idle = 500 * time.Millisecond
	lg.wit.delay = 20 * time.Millisecond
	return lg
}

// fileHead is the head file's head.
func (w *witnessed) fileHead(t *testing.T) Head {
	t.Helper()
	h, err := ReadHead(w.path, publicOf(w.key))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// inspect verifies read-only, with the head file as a witness.
func (w *witnessed) inspect(t *testing.T) Report {
	t.Helper()
	rep, err := Inspect(testCtx(t), w.srv.JS, Witness{Name: "the head file", Head: w.fileHead(t)})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// mustNotExist fails when the stream or the bucket was made again.
func (w *witnessed) mustNotExist(t *testing.T, stream, bucket bool) {
	t.Helper()
	if _, err := w.srv.JS.Stream(testCtx(t), StreamName); stream && !errors.Is(err, jetstream.ErrStreamNotFound) {
		t.Fatalf("the stream exists again (%v)", err)
	}
	if _, err := w.srv.JS.KeyValue(testCtx(t), BucketHead); bucket && !errors.Is(err, jetstream.ErrBucketNotFound) {
		t.Fatalf("the anchor bucket exists again (%v)", err)
	}
}

func wantProblem(t *testing.T, rep Report, words ...string) {
	t.Helper()
	for _, word := range words {
		found := false
		for _, p := range rep.Problems {
			found = found || strings.Contains(p.Reason, word)
		}
		if !found {
			t.Errorf("no problem says %q in %v", word, rep.Problems)
		}
	}
}

func TestTheHeadFileFollowsAppends(t *testing.T) {
	w := openWitnessed(t)
	if h := w.fileHead(t); h.Seq != 0 || h.Created.IsZero() {
		t.Fatalf("a new trail's head file: %+v, want record 0 and the stream's creation time", h)
	}
	events := appendN(t, w.lg, 5)
	bustest.CheckFor(t, 10*time.Second, 10*time.Millisecond, func() error {
		if h := w.fileHead(t); h.Mark() != (Mark{Seq: 5, Hash: events[4].Hash}) {
			return fmt.Errorf("the head file names %d", h.Seq)
		}
		return nil
	})
	more := appendN(t, w.lg, 2)
	if err := w.lg.Close(); err != nil {
		t.Fatal(err)
	}
	if h := w.fileHead(t); h.Mark() != (Mark{Seq: 7, Hash: more[1].Hash}) {
		t.Fatalf("after Close the head file names %d, want 7", h.Seq)
	}
	wantClean(t, w.inspect(t), 7)
	wantClean(t, verify(t, w.lg), 7) // with its own head file
	if quick, err := w.lg.Check(testCtx(t)); err != nil || !quick.OK() || quick.Head != (Mark{Seq: 7, Hash: more[1].Hash}) || !quick.Quick {
		t.Fatalf("Check of a clean trail: %+v, %v", quick, err)
	}
	os.Rename(w.path, w.path+".moved")
	wantProblem(t, verify(t, w.lg), "head file "+w.path+" is missing")
	os.Rename(w.path+".moved", w.path)

	// A restart of the server keeps the stream's creation time, which the
	// head file names.
	w.srv.Stop()
	w.srv = bustest.StartIn(t, w.srv.Dir, bus.Topology{})
	lg := w.open(t)
	wantClean(t, verify(t, lg, Witness{Name: "the head file", Head: w.fileHead(t)}), 7)
}

// The finding: the stream and its anchor bucket deleted through NATS.
// Nothing may recreate them silently; Inspect and Open name what happened.
func TestADeletedTrailIsReportedAndNotRecreated(t *testing.T) {
	for _, c := range []struct {
		name           string
		stream, bucket bool
		words          []string
	}{
		{"stream", true, false, []string{"does not exist: it was deleted", "the head file names record 6", "the head anchor names record 6"}},
		{"bucket", false, true, []string{"bucket ft_audit_head does not exist"}},
		{"both", true, true, []string{"does not exist: it was deleted", "the head file names record 6", "bucket ft_audit_head does not exist"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := testCtx(t)
			w := openWitnessed(t)
			appendN(t, w.lg, 6)
			if err := w.lg.Close(); err != nil {
				t.Fatal(err)
			}
			if c.stream {
				if err := w.srv.Admin(t).DeleteStream(ctx, StreamName); err != nil {
					t.Fatal(err)
				}
			}
			if c.bucket {
				if err := w.srv.Admin(t).DeleteKeyValue(ctx, BucketHead); err != nil {
					t.Fatal(err)
				}
			}
			rep := w.inspect(t)
			wantProblem(t, rep, c.words...)
			t.Logf("problems: %v", rep.Problems)
			quick, err := w.lg.Check(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wantProblem(t, quick, c.words...)
			_, err = Open(ctx, w.srv.JS, 1, WithWitness(w.path, w.key))
			if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "audit restart") {
				t.Fatalf("Open = %v, want ErrDamaged with what to do", err)
			}
			w.mustNotExist(t, c.stream, c.bucket)
		})
	}
}

// Without the head file, the anchor alone still stops Open from starting
// a new chain where a stream was deleted.
func TestOpenWithoutAHeadFileStillRefusesADeletedStream(t *testing.T) {
	ctx := testCtx(t)
	srv, lg := startLog(t, "")
	appendN(t, lg, 3)
	if err := srv.Admin(t).DeleteStream(ctx, StreamName); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, srv.JS, 1); !errors.Is(err, ErrDamaged) {
		t.Fatalf("Open = %v, want ErrDamaged", err)
	}
	rep, err := Inspect(ctx, srv.JS)
	if err != nil {
		t.Fatal(err)
	}
	wantProblem(t, rep, "it was deleted; the head anchor names record 3")
}

// An attacker who deletes the stream and replays the same records into a
// new one gets a chain that links, but not the stream the witness saw.
func TestAReplayedStreamIsReportedAsRecreated(t *testing.T) {
	ctx := testCtx(t)
	w := openWitnessed(t)
	appendN(t, w.lg, 4)
	w.lg.Close()
	var saved []*jetstream.RawStreamMsg
	for seq := uint64(1); seq <= 4; seq++ {
		m, err := w.lg.stream.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		saved = append(saved, m)
	}
	if err := w.srv.Admin(t).DeleteStream(ctx, StreamName); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // a creation time that differs
	if _, err := w.srv.JS.CreateStream(ctx, streamConfig(1)); err != nil {
		t.Fatal(err)
	}
	for _, m := range saved {
		if _, err := w.srv.JS.Publish(ctx, m.Subject, m.Data); err != nil {
			t.Fatal(err)
		}
	}
	rep := w.inspect(t)
	wantProblem(t, rep, "recreated: the head file names a stream created at")
	if len(rep.Problems) != 1 || rep.Records != 4 {
		t.Fatalf("want only the recreation over 4 records, got %d and %v", rep.Records, rep.Problems)
	}
	if _, err := Open(ctx, w.srv.JS, 1, WithWitness(w.path, w.key)); !errors.Is(err, ErrDamaged) {
		t.Fatalf("Open = %v, want ErrDamaged", err)
	}
}

// Each limit the server accepts on the stream is reported by Inspect and
// refused by Open; the records it discarded stay reported after the limit
// is lifted again.
func TestReconfiguringTheStreamIsReported(t *testing.T) {
	for _, c := range []struct {
		name  string
		set   func(*jetstream.StreamConfig)
		words []string
	}{
		{"max_msgs", func(c *jetstream.StreamConfig) { c.MaxMsgs = 10 }, []string{"max_msgs", "records 1 to 2: missing"}},
		{"max_bytes", func(c *jetstream.StreamConfig) { c.MaxBytes = 2000 }, []string{"max_bytes", "missing: before the first record"}},
		{"max_msgs_per_subject", func(c *jetstream.StreamConfig) { c.MaxMsgsPerSubject = 1 }, []string{"max_msgs_per_subject", "missing: before the first record"}},
		{"max_age", func(c *jetstream.StreamConfig) { c.MaxAge, c.Duplicates = time.Second, time.Second }, []string{"max_age"}},
		{"allow_rollup", func(c *jetstream.StreamConfig) { c.AllowRollup = true }, []string{"rollups"}},
		{"allow_msg_ttl", func(c *jetstream.StreamConfig) { c.AllowMsgTTL = true }, []string{"time to live"}},
		{"deny_delete", func(c *jetstream.StreamConfig) { c.DenyDelete = false }, []string{"deny_delete"}},
		{"deny_purge", func(c *jetstream.StreamConfig) { c.DenyPurge = false }, []string{"deny_purge"}},
		{"retention", func(c *jetstream.StreamConfig) { c.Retention = jetstream.InterestPolicy }, []string{"retention"}},
		{"storage", func(c *jetstream.StreamConfig) { c.Storage = jetstream.MemoryStorage }, []string{"memory"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := testCtx(t)
			w := openWitnessed(t)
			appendN(t, w.lg, 12)
			w.lg.Close()
			cfg := streamConfig(1)
			c.set(&cfg)
			if _, err := w.srv.Admin(t).UpdateStream(ctx, cfg); err != nil {
				t.Logf("the server refuses it: %v", err)
				wantClean(t, w.inspect(t), 12)
				return
			}
			if c.name == "max_age" { // the server discards on its own time
				bustest.CheckFor(t, 10*time.Second, 100*time.Millisecond, func() error {
					if info, err := w.lg.stream.Info(ctx); err != nil || info.State.FirstSeq == 1 {
						return fmt.Errorf("nothing discarded yet (%v)", err)
					}
					return nil
				})
				c.words = append(c.words, "missing: before the first record")
			}
			rep := w.inspect(t)
			wantProblem(t, rep, c.words...)
			t.Logf("problems: %v", rep.Problems)
			quick, err := w.lg.Check(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wantProblem(t, quick, c.words[0])
			if _, err := Open(ctx, w.srv.JS, 1, WithWitness(w.path, w.key)); !errors.Is(err, ErrUnsafeStream) {
				t.Fatalf("Open = %v, want ErrUnsafeStream", err)
			}
			info, err := w.lg.stream.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if info.State.FirstSeq == 1 {
				return // nothing discarded
			}
			// The limit lifted: what it discarded is still missing.
			if _, err := w.srv.Admin(t).UpdateStream(ctx, streamConfig(1)); err != nil {
				t.Fatal(err)
			}
			wantProblem(t, w.inspect(t), "missing: before the first record")
			if _, err := Open(ctx, w.srv.JS, 1, WithWitness(w.path, w.key)); !errors.Is(err, ErrDamaged) {
				t.Fatalf("Open after lifting the limit = %v, want ErrDamaged", err)
			}
		})
	}
}

func TestRestartStartsANewTrailNamingTheOldHead(t *testing.T) {
	ctx := testCtx(t)
	w := openWitnessed(t)
	events := appendN(t, w.lg, 12)
	w.lg.Close()
	archive := t.TempDir()
	r := Restart{Actor: "cli:operator", Reason: "someone capped the stream", ArchiveDir: archive}
	if _, err := r.Run(ctx, w.srv.Admin(t), WithWitness(w.path, w.key)); !errors.Is(err, ErrIntact) {
		t.Fatalf("Restart of an intact trail = %v, want ErrIntact", err)
	}
	cfg := streamConfig(1)
	cfg.MaxMsgs = 10
	if _, err := w.srv.Admin(t).UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}

	first, err := r.Run(ctx, w.srv.Admin(t), WithWitness(w.path, w.key))
	if err != nil {
		t.Fatal(err)
	}
	if first.Seq != 1 || first.Prev != events[11].Hash || first.Action != ActionTrailStart ||
		first.Detail["replaces_seq"] != "12" || first.Detail["replaces_from"] != "head file" ||
		!strings.Contains(first.Detail["problem_1"], "max_msgs") {
		t.Fatalf("first record of the new trail: %+v", first)
	}
	// The remains are kept: records 3 to 12, and why 1 and 2 are not.
	f, err := os.Open(filepath.Join(archive, first.Detail["archive"]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []ArchiveLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l ArchiveLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, l)
	}
	if len(lines) != 12 || lines[0].Missing == "" || lines[11].Record == nil {
		t.Fatalf("archive: %+v", lines)
	}
	if h := w.fileHead(t); h.Mark() != (Mark{Seq: 1, Hash: first.Hash}) {
		t.Fatalf("the head file names %+v after the restart", h)
	}
	rep := w.inspect(t)
	wantClean(t, rep, 1)
	if rep.Start == nil || rep.Start.Detail["reason"] != r.Reason {
		t.Fatalf("the report does not show the restart: %+v", rep.Start)
	}
	// A head of the old trail kept elsewhere: the one the restart replaced
	// is accounted for; an older one is not.
	old := Head{Stream: StreamName, Seq: 12, Hash: events[11].Hash, Created: time.Unix(1, 0)}
	rep, err = Inspect(ctx, w.srv.JS, Witness{Name: "the head kept elsewhere", Head: old})
	if err != nil || !rep.OK() {
		t.Fatalf("the replaced head kept elsewhere: %v %v", err, rep.Problems)
	}
	old.Seq, old.Hash = 11, events[10].Hash
	rep, _ = Inspect(ctx, w.srv.JS, Witness{Name: "the head kept elsewhere", Head: old})
	wantProblem(t, rep, "recreated", "truncated")

	lg := w.open(t)
	if e, err := lg.Append(ctx, Event{Actor: "alice", Action: "login"}); err != nil || e.Seq != 2 || e.Prev != first.Hash {
		t.Fatalf("append after the restart: %+v, %v", e, err)
	}
}

// A trail that existed before head files (or whose file was removed) gets
// one, and the trail records that it started.
func TestOpenStartsAMissingHeadFileAndSaysSo(t *testing.T) {
	srv, lg := startLog(t, "")
	events := appendN(t, lg, 3)
	path := filepath.Join(t.TempDir(), HeadFile)
	key := newKey(t)
	lg2, err := Open(testCtx(t), srv.JS, 1, WithWitness(path, key))
	if err != nil {
		t.Fatal(err)
	}
	h, err := ReadHead(path, publicOf(key))
	if err != nil || h.Mark() != (Mark{Seq: 3, Hash: events[2].Hash}) {
		t.Fatalf("head file %+v, %v", h, err)
	}
	var last Event
	lg2.Read(testCtx(t), 4, func(e Event) error { last = e; return nil })
	if last.Action != ActionWitnessStart || last.Detail["seq"] != "3" {
		t.Fatalf("record 4 is %+v, want a witness_start naming 3", last)
	}
	// A head file signed by another key is not this installation's.
	if _, err := Open(testCtx(t), srv.JS, 1, WithWitness(path, newKey(t))); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "signed by the key") {
		t.Fatalf("Open with another key = %v, want ErrDamaged", err)
	}
}

// Evidence stays as it is: an anchor deleted under a running Log is not
// made again, and a head file naming another stream is not overwritten.
func TestRunningLogsLeaveEvidenceAlone(t *testing.T) {
	ctx := testCtx(t)
	w := openWitnessed(t)
	appendN(t, w.lg, 3)
	if err := w.lg.head.Delete(ctx, headKey); err != nil {
		t.Fatal(err)
	}
	foreign := Head{Stream: StreamName, Seq: 2, Hash: "feed", Created: time.Unix(1, 0)}
	if err := writeHead(w.path, foreign, w.key); err != nil {
		t.Fatal(err)
	}
	appendN(t, w.lg, 2)
	if err := w.lg.Close(); !errors.Is(err, ErrDamaged) {
		t.Fatalf("Close over a foreign head file = %v, want ErrDamaged", err)
	}
	if h := w.fileHead(t); h.Mark() != foreign.Mark() {
		t.Fatalf("the foreign head file was overwritten: %+v", h)
	}
	rep := verify(t, w.lg)
	wantProblem(t, rep, "the head anchor is missing")
}
