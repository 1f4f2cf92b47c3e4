// Package memstore is the embedded default vector index: every face in
// memory, exact search by brute force over all of them in parallel, and an
// append-only journal on disk so that the index survives restarts.
//
// The journal holds face descriptors (biometric templates) and payloads.
// With Options.Key it is sealed: every record encrypted and authenticated
// with XChaCha20-Poly1305, so that a changed or damaged record is reported
// (ErrCorrupt), never read as another face. Every record is checked when
// the store opens; a damaged journal can be set aside (SetAside) and the
// index rebuilt from the face records, of which it is a projection.
//
// Search cost is linear: about 4 ms per 100,000 faces per core with AVX2
// (benchmarks/README.md has the figures against FAISS). Memory is about
// 600 bytes per face, most of it the 512-byte vector.
package memstore

import (
	"container/heap"
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/viterin/vek/vek32"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/vector"
)

var _ vector.Store = (*Store)(nil)

// Store keeps points in flat arrays: vector i is vecs[i*128 : (i+1)*128].
// Points are only ever appended: a point keeps its position for the life
// of the store (an upsert of its ID overwrites it in place).
type Store struct {
	mu       sync.RWMutex
	vecs     []float32
	payloads []vector.Payload
	ids      []string
	index    map[string]int // id → position
	log      *journal       // nil for a store that does not persist
	smallest smallestIDs    // Sample's index (sample.go)
}

// New returns an empty store that does not persist.
func New() *Store { return &Store{index: map[string]int{}} }

// Options configure a store that persists.
type Options struct {
	// Key, when set, seals the journal (32 bytes, e.g. from crypto/rand).
	// A plain journal found in the directory is rewritten sealed when the
	// store opens. Without a key, a sealed journal is ErrKeyRequired.
	Key []byte
}

// Open loads the store kept in dir with a plain journal (OpenWith).
func Open(dir string) (*Store, error) { return OpenWith(dir, Options{}) }

// OpenWith loads the store kept in dir, creating it if needed, and appends
// every later upsert to its journal. A damaged journal is ErrCorrupt; a
// sealed one opened without its key is ErrKeyRequired or ErrWrongKey.
func OpenWith(dir string, o Options) (*Store, error) {
	s := New()
	j, sealTo, err := openJournal(dir, o.Key, func(p vector.Point) { s.put(p) })
	if err != nil {
		return nil, err
	}
	s.log = j
	j.live = func() int { return len(s.ids) }
	switch {
	case sealTo != nil:
		err = j.rewrite(filepath.Join(dir, sealedName), sealTo, s.emitAll)
	case j.garbage() > len(s.ids):
		err = s.compactLocked()
	}
	if err != nil {
		j.close()
		return nil, fmt.Errorf("memstore: %w", err)
	}
	return s, nil
}

// Upsert adds points or replaces those with the same ID. With a journal, the
// points are on disk (fsynced) when it returns. A point the store already
// holds as it is costs nothing: a rebuild over a complete index writes
// nothing.
func (s *Store) Upsert(ctx context.Context, points []vector.Point) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	points = s.changedLocked(points)
	if len(points) == 0 {
		return nil
	}
	if s.log != nil {
		if err := s.log.append(points); err != nil {
			return fmt.Errorf("memstore: %w", err)
		}
	}
	for _, p := range points {
		s.put(p)
	}
	if s.log != nil && s.log.garbage() > max(len(s.ids), 10000) {
		if err := s.compactLocked(); err != nil {
			return fmt.Errorf("memstore: compact: %w", err)
		}
	}
	return nil
}

// changedLocked returns the points that are new or differ from the stored
// ones (a new slice when some are left out).
func (s *Store) changedLocked(points []vector.Point) []vector.Point {
	for k, p := range points {
		if s.holds(p) {
			out := append([]vector.Point{}, points[:k]...)
			for _, q := range points[k+1:] {
				if !s.holds(q) {
					out = append(out, q)
				}
			}
			return out
		}
	}
	return points
}

// holds reports whether the store has p as it is.
func (s *Store) holds(p vector.Point) bool {
	i, ok := s.index[p.ID]
	if !ok {
		return false
	}
	a, b := s.payloads[i], p.Payload
	if !a.Date.Equal(b.Date) {
		return false
	}
	a.Date = b.Date
	return a == b && slices.Equal(s.vecs[i*face.Dim:(i+1)*face.Dim], p.Vector[:])
}

func (s *Store) put(p vector.Point) {
	if i, ok := s.index[p.ID]; ok {
		copy(s.vecs[i*face.Dim:(i+1)*face.Dim], p.Vector[:])
		s.payloads[i] = p.Payload
		return
	}
	s.index[p.ID] = len(s.ids)
	s.ids = append(s.ids, p.ID)
	s.vecs = append(s.vecs, p.Vector[:]...)
	s.payloads = append(s.payloads, p.Payload)
}

// compactLocked rewrites the journal with only the live points.
func (s *Store) compactLocked() error { return s.log.rewrite(s.log.path, s.log.codec, s.emitAll) }

// emitAll gives every live point to emit.
func (s *Store) emitAll(emit func(vector.Point) error) error {
	for i := range s.ids {
		if err := emit(s.point(i)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) point(i int) vector.Point {
	p := vector.Point{ID: s.ids[i], Payload: s.payloads[i]}
	copy(p.Vector[:], s.vecs[i*face.Dim:(i+1)*face.Dim])
	return p
}

// Count is the number of points.
func (s *Store) Count(context.Context) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.ids), nil
}

// CountIndividuals is the number of distinct individuals.
func (s *Store) CountIndividuals(context.Context) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	seen := make(map[string]struct{}, len(s.payloads)/2)
	for _, p := range s.payloads {
		seen[p.Individual] = struct{}{}
	}
	return len(seen), nil
}

// Close closes the journal.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log == nil {
		return nil
	}
	err := s.log.close()
	s.log = nil
	return err
}

// minChunk is the fewest points worth a goroutine of their own.
const minChunk = 16384

// SearchIndividuals ranks individuals by their nearest face, exactly.
func (s *Store) SearchIndividuals(ctx context.Context, q vector.Query) ([]vector.Hit, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := len(s.ids)
	parts := max(1, min(runtime.GOMAXPROCS(0), n/minChunk))
	tops := make([]*topIndividuals, parts)
	var wg sync.WaitGroup
	for c := 0; c < parts; c++ {
		lo, hi := c*n/parts, (c+1)*n/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			tops[c] = s.scan(q, lo, hi)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	all := newTop(q.Limit)
	for _, t := range tops {
		for _, e := range t.entries {
			all.offer(e.individual, e.dist, e.point)
		}
	}
	sort.Slice(all.entries, func(i, j int) bool { return all.entries[i].less(all.entries[j]) })
	hits := make([]vector.Hit, len(all.entries))
	for i, e := range all.entries {
		p := s.point(e.point)
		hits[i] = vector.Hit{Individual: e.individual, Distance: p.Vector.Distance(q.Vector), Best: p}
	}
	// The scan compared float32 distances; order by the exact ones.
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Distance != hits[j].Distance {
			return hits[i].Distance < hits[j].Distance
		}
		return hits[i].Individual < hits[j].Individual
	})
	return hits, nil
}

// scan finds the nearest individuals among points [lo, hi).
func (s *Store) scan(q vector.Query, lo, hi int) *topIndividuals {
	t := newTop(q.Limit)
	filtered := !isEmpty(q.Filter)
	qv := q.Vector[:]
	for i := lo; i < hi; i++ {
		if filtered && !q.Filter.Match(s.payloads[i]) {
			continue
		}
		d := vek32.Distance(s.vecs[i*face.Dim:(i+1)*face.Dim], qv)
		if t.full() && d > t.worst() {
			continue
		}
		t.offer(s.payloads[i].Individual, d, i)
	}
	return t
}

func isEmpty(f vector.Filter) bool {
	return len(f.Sources) == 0 && len(f.Branches) == 0 && f.From.IsZero() && f.To.IsZero() && len(f.ExcludeIndividuals) == 0
}

// topIndividuals keeps the k individuals with the nearest faces seen so far:
// a max-heap on distance, with at most one entry per individual.
type topIndividuals struct {
	k       int
	entries []entry
	at      map[string]int // individual → heap position
}

type entry struct {
	individual string
	dist       float32
	point      int
}

// less orders by distance, then individual, then point: the final order.
func (a entry) less(b entry) bool {
	if a.dist != b.dist {
		return a.dist < b.dist
	}
	if a.individual != b.individual {
		return a.individual < b.individual
	}
	return a.point < b.point
}

func newTop(k int) *topIndividuals { return &topIndividuals{k: k, at: map[string]int{}} }

func (t *topIndividuals) full() bool     { return len(t.entries) >= t.k }
func (t *topIndividuals) worst() float32 { return t.entries[0].dist }

// offer considers a face. An individual already kept keeps its nearer face;
// a new one enters if it beats the worst kept, which then leaves. An
// individual among the true k nearest can never be pushed out, since k
// others would have to be nearer.
func (t *topIndividuals) offer(ind string, d float32, point int) {
	e := entry{ind, d, point}
	if i, ok := t.at[ind]; ok {
		if e.less(t.entries[i]) {
			t.entries[i] = e
			heap.Fix(t, i)
		}
		return
	}
	if !t.full() {
		heap.Push(t, e)
		return
	}
	if e.less(t.entries[0]) {
		delete(t.at, t.entries[0].individual)
		t.entries[0] = e
		t.at[ind] = 0
		heap.Fix(t, 0)
	}
}

// heap.Interface: the root is the worst entry.
func (t *topIndividuals) Len() int           { return len(t.entries) }
func (t *topIndividuals) Less(i, j int) bool { return t.entries[j].less(t.entries[i]) }
func (t *topIndividuals) Swap(i, j int) {
	t.entries[i], t.entries[j] = t.entries[j], t.entries[i]
	t.at[t.entries[i].individual] = i
	t.at[t.entries[j].individual] = j
}
func (t *topIndividuals) Push(x any) {
	e := x.(entry)
	t.at[e.individual] = len(t.entries)
	t.entries = append(t.entries, e)
}
func (t *topIndividuals) Pop() any {
	e := t.entries[len(t.entries)-1]
	t.entries = t.entries[:len(t.entries)-1]
	delete(t.at, e.individual)
	return e
}
