package memstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/vector"
	"github.com/facetriage/facetriage/internal/vector/vectortest"
)

func TestSuiteInMemory(t *testing.T) {
	vectortest.Run(t, vectortest.Harness{
		Open: func(t *testing.T) vector.Store { return New() },
	})
}

func TestSuiteWithJournal(t *testing.T) {
	dirs := map[vector.Store]string{}
	vectortest.Run(t, vectortest.Harness{
		Open: func(t *testing.T) vector.Store {
			dir := t.TempDir()
			s, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			dirs[s] = dir
			return s
		},
		Reopen: func(t *testing.T, old vector.Store) vector.Store {
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}
			s, err := Open(dirs[old])
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	})
}

func point(id string, x float32) vector.Point {
	p := vector.Point{ID: id, Payload: vector.Payload{Photo: id, Individual: "face:" + id}}
	p.Vector[0] = x
	return p
}

// A crash in the middle of a write leaves a torn last record: it is
// dropped, and everything acknowledged before it is kept.
func TestTornLastRecordIsDropped(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	ctx := context.Background()
	s.Upsert(ctx, []vector.Point{point("a", 1), point("b", 2)})
	s.Close()
	path := filepath.Join(dir, journalName)
	st, _ := os.Stat(path)
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte{200, 0, 0, 0, 1, 2, 3}) // header of a record never finished
	f.Close()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Count(ctx); n != 2 {
		t.Fatalf("count %d, want 2", n)
	}
	if st2, _ := os.Stat(path); st2.Size() != st.Size() {
		t.Errorf("torn tail not truncated: %d bytes, want %d", st2.Size(), st.Size())
	}
	s.Upsert(ctx, []vector.Point{point("c", 3)})
	s.Close()
	s, _ = Open(dir)
	defer s.Close()
	if n, _ := s.Count(ctx); n != 3 {
		t.Fatalf("count %d after appending past the torn record, want 3", n)
	}
}

func TestDamageBeforeTheEndIsAnError(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	s.Upsert(context.Background(), []vector.Point{point("a", 1), point("b", 2)})
	s.Close()
	path := filepath.Join(dir, journalName)
	b, _ := os.ReadFile(path)
	b[20] ^= 0xFF // inside the first record's body
	os.WriteFile(path, b, 0o644)
	if _, err := Open(dir); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want ErrCorrupt", err)
	}
}

func TestCompaction(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	ctx := context.Background()
	for i := 0; i < 30; i++ { // the same two points, rewritten
		s.Upsert(ctx, []vector.Point{point("a", float32(i)), point("b", 2)})
	}
	s.Close()
	s, _ = Open(dir) // 60 records for 2 live points: compacted on open
	defer s.Close()
	if s.log.records != 2 {
		t.Errorf("%d records after compaction, want 2", s.log.records)
	}
	hits, _ := s.SearchIndividuals(ctx, vector.Query{Vector: point("q", 29).Vector, Limit: 1})
	if len(hits) != 1 || hits[0].Best.ID != "a" || hits[0].Distance != 0 {
		t.Fatalf("hits %+v, want a at distance 0 (its last value)", hits)
	}
}

// A write that fails (a full disk) leaves no torn record behind: the
// journal is cut back to its whole records, and the next upsert, once the
// disk takes writes again, lands after them.
func TestFailedAppendLeavesNoTornRecord(t *testing.T) {
	for _, key := range [][]byte{nil, newKey(t)} {
		t.Run(map[bool]string{true: "plain", false: "sealed"}[key == nil], func(t *testing.T) {
			dir := t.TempDir()
			ctx := context.Background()
			s, err := OpenWith(dir, Options{Key: key})
			if err != nil {
				t.Fatal(err)
			}
			s.Upsert(ctx, []vector.Point{point("a", 1)})
			good, real := s.log.size, s.log.f
			// Writes to /dev/full fail with ENOSPC, as on a full disk.
			full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			if err != nil {
				t.Skipf("no /dev/full to simulate a full disk: %v", err)
			}
			s.log.f = full
			if err := s.Upsert(ctx, []vector.Point{point("b", 2)}); err == nil {
				t.Fatal("an upsert onto a full disk succeeded")
			} else {
				t.Logf("upsert onto a full disk: %v", err)
			}
			if n, _ := s.Count(ctx); n != 1 {
				t.Fatalf("count %d after the failed upsert, want 1 (it is not in memory either)", n)
			}
			full.Close()
			// Bytes the failed write left on the real file, which the cut
			// could not remove while the disk was full.
			real.WriteAt([]byte{9, 9, 9, 9, 9, 9, 9}, good)
			s.log.f, s.log.torn = real, true
			if err := s.Upsert(ctx, []vector.Point{point("c", 3)}); err != nil {
				t.Fatal(err)
			}
			s.Close()
			s, err = OpenWith(dir, Options{Key: key})
			if err != nil {
				t.Fatalf("reopen after the failed write: %v", err)
			}
			defer s.Close()
			if n, _ := s.Count(ctx); n != 2 {
				t.Fatalf("count %d, want 2 (a and c)", n)
			}
		})
	}
}

func TestSetAside(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	s.Upsert(context.Background(), []vector.Point{point("a", 1)})
	s.Close()
	moved, err := SetAside(dir, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	want := filepath.Join(dir, journalName+".damaged-20260102T030405Z")
	if err != nil || len(moved) != 1 || moved[0] != want {
		t.Fatalf("moved %v (%v), want [%s]", moved, err, want)
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, _ := s.Count(context.Background()); n != 0 {
		t.Fatalf("count %d after setting the journal aside, want 0", n)
	}
}

// Upserting points the store holds as they are writes nothing: a rebuild
// over a complete index leaves the journal as it was.
func TestUnchangedPointsAreNotWrittenAgain(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	pts := []vector.Point{point("a", 1), point("b", 2)}
	pts[0].Payload.Date = time.Date(2013, 5, 12, 0, 0, 0, 0, time.UTC)
	s.Upsert(ctx, pts)
	size := s.log.size
	s.Upsert(ctx, pts)
	if s.log.size != size || s.log.records != 2 {
		t.Fatalf("the same points again: %d records, %d bytes (was %d)", s.log.records, s.log.size, size)
	}
	s.Upsert(ctx, []vector.Point{point("a", 5), point("b", 2)})
	if s.log.records != 3 {
		t.Fatalf("one point changed: %d records, want 3", s.log.records)
	}
}
