package memstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/facetriage/facetriage/internal/vector"
	"github.com/facetriage/facetriage/internal/vector/vectortest"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSuiteSealed(t *testing.T) {
	key := newKey(t)
	dirs := map[vector.Store]string{}
	vectortest.Run(t, vectortest.Harness{
		Open: func(t *testing.T) vector.Store {
			dir := t.TempDir()
			s, err := OpenWith(dir, Options{Key: key})
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
			s, err := OpenWith(dirs[old], Options{Key: key})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	})
}

// sealedWith writes points a, b and c to a sealed journal and returns its
// directory and path.
func sealedWith(t *testing.T, key []byte) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	s, err := OpenWith(dir, Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Upsert(context.Background(), []vector.Point{point("a", 1), point("b", 2), point("c", 3)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, filepath.Join(dir, sealedName)
}

// The journal on disk holds no descriptor or payload in clear.
func TestSealedJournalHoldsNothingInClear(t *testing.T) {
	_, path := sealedWith(t, newKey(t))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, clear := range []string{`"photo"`, "face:a", "face:b"} {
		if bytes.Contains(b, []byte(clear)) {
			t.Errorf("the sealed journal holds %q in clear", clear)
		}
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, want 0600", st.Mode().Perm())
	}
}

func TestSealedJournalNeedsItsKey(t *testing.T) {
	key := newKey(t)
	dir, _ := sealedWith(t, key)
	if _, err := Open(dir); !errors.Is(err, ErrKeyRequired) {
		t.Errorf("without a key: %v, want ErrKeyRequired", err)
	}
	if _, err := OpenWith(dir, Options{Key: newKey(t)}); !errors.Is(err, ErrWrongKey) {
		t.Errorf("with another key: %v, want ErrWrongKey", err)
	}
	if _, err := OpenWith(dir, Options{Key: key[:16]}); !errors.Is(err, ErrBadKey) {
		t.Errorf("with a 16-byte key: %v, want ErrBadKey", err)
	}
	s, err := OpenWith(dir, Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, _ := s.Count(context.Background()); n != 3 {
		t.Fatalf("count %d, want 3", n)
	}
}

// recordSpans returns where each record of a sealed journal lies.
func recordSpans(t *testing.T, b []byte) [][2]int {
	t.Helper()
	var out [][2]int
	for off := sealedHeaderLen; off < len(b); {
		n := int(uint32(b[off]) | uint32(b[off+1])<<8 | uint32(b[off+2])<<16 | uint32(b[off+3])<<24)
		out = append(out, [2]int{off, off + 4 + n})
		off += 4 + n
	}
	return out
}

// Changed bytes, or records swapped, are reported, never read as faces;
// a damaged last record is a write cut short and is dropped.
func TestSealedJournalDetectsChanges(t *testing.T) {
	key := newKey(t)
	cases := []struct {
		name   string
		change func(b []byte, spans [][2]int) []byte
		count  int // points after opening, or -1 for ErrCorrupt
	}{
		{"one byte of the first record", func(b []byte, s [][2]int) []byte { b[s[0][0]+40] ^= 1; return b }, -1},
		{"a nonce of the middle record", func(b []byte, s [][2]int) []byte { b[s[1][0]+5] ^= 1; return b }, -1},
		{"the first two records swapped", func(b []byte, s [][2]int) []byte {
			out := append([]byte{}, b[:s[0][0]]...)
			out = append(out, b[s[1][0]:s[1][1]]...)
			out = append(out, b[s[0][0]:s[0][1]]...)
			return append(out, b[s[2][0]:]...)
		}, -1},
		{"the last record", func(b []byte, s [][2]int) []byte { b[s[2][1]-1] ^= 1; return b }, 2},
		{"a length beyond any record", func(b []byte, s [][2]int) []byte { b[s[0][0]+3] = 0x7f; return b }, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, path := sealedWith(t, key)
			b, _ := os.ReadFile(path)
			if err := os.WriteFile(path, tc.change(b, recordSpans(t, b)), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := OpenWith(dir, Options{Key: key})
			if tc.count < 0 {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("got %v, want ErrCorrupt", err)
				}
				t.Logf("reported: %v", err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if n, _ := s.Count(context.Background()); n != tc.count {
				t.Fatalf("count %d, want %d", n, tc.count)
			}
		})
	}
}

// A plain journal is sealed when the store first opens with a key.
func TestPlainJournalIsSealedOnOpen(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	ctx := context.Background()
	s.Upsert(ctx, []vector.Point{point("a", 1), point("b", 2)})
	s.Close()
	key := newKey(t)
	s, err := OpenWith(dir, Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Count(ctx); n != 2 {
		t.Fatalf("count %d after sealing, want 2", n)
	}
	s.Upsert(ctx, []vector.Point{point("c", 3)})
	s.Close()
	if exists(filepath.Join(dir, journalName)) {
		t.Error("the plain journal is still there")
	}
	s, err = OpenWith(dir, Options{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, _ := s.Count(ctx); n != 3 {
		t.Fatalf("count %d after reopening, want 3", n)
	}
}
