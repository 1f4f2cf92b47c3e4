package memstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

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
