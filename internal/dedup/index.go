package dedup

import (
	"context"
	"sort"
	"sync"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/face"
)

// Index holds every registered photo's hash and faces in memory, in the
// order of registration, for the candidate search. It is filled from the
// catalogue's hash bucket (Linker.Run) and safe for concurrent use.
//
// A linear scan is enough: 70,000 photos with 100,000 faces take about
// 50 MB and a few milliseconds per search (benchmarks/README.md).
type Index struct {
	mu      sync.Mutex
	entries []entry
	last    uint64
	changed chan struct{} // closed and replaced when last moves
}

type entry struct {
	photo string
	rev   uint64
	hash  Hash
	has   bool
	faces []face.Descriptor
}

// NewIndex returns an empty index.
func NewIndex() *Index { return &Index{changed: make(chan struct{})} }

// Add records an entry at its revision. Revisions come in increasing order
// (a watch of the bucket); an entry without a photo only moves the
// revision on.
func (x *Index) Add(e archive.HashEntry, rev uint64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if e.Photo != "" {
		h, ok := ParseHash(e.PHash)
		faces := make([]face.Descriptor, len(e.Faces))
		for i, f := range e.Faces {
			faces[i] = face.Descriptor(f)
		}
		x.entries = append(x.entries, entry{photo: e.Photo, rev: rev, hash: h, has: ok, faces: faces})
	}
	if rev > x.last {
		x.last = rev
		close(x.changed)
		x.changed = make(chan struct{})
	}
}

// Len is the number of photos held.
func (x *Index) Len() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return len(x.entries)
}

// WaitFor returns once the index holds every entry up to revision rev, or
// with ctx's error.
func (x *Index) WaitFor(ctx context.Context, rev uint64) error {
	for {
		x.mu.Lock()
		last, ch := x.last, x.changed
		x.mu.Unlock()
		if last >= rev {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// Candidate is a photo registered earlier that may be the same photograph.
type Candidate struct {
	Photo string
	Rev   uint64
	// HashBits is the hashes' distance, or -1 when either has none.
	HashBits int
	Faces    []face.Descriptor
}

// Near returns the photos registered before revision before whose hash lies
// within HashNear bits of hash (has: the photo has one), or which hold a
// face within FaceNear of one of faces; oldest first.
func (x *Index) Near(hash Hash, has bool, faces []face.Descriptor, before uint64) []Candidate {
	x.mu.Lock()
	entries := x.entries
	x.mu.Unlock()
	var out []Candidate
	near2 := FaceNear * FaceNear
	for _, e := range entries { // appended in order: a stable prefix
		if e.rev >= before {
			continue
		}
		bitsOff := -1
		if has && e.has {
			bitsOff = hash.Distance(e.hash)
		}
		ok := bitsOff >= 0 && bitsOff <= HashNear
		for i := 0; !ok && i < len(faces); i++ {
			for j := range e.faces {
				if within(&faces[i], &e.faces[j], near2) {
					ok = true
					break
				}
			}
		}
		if ok {
			out = append(out, Candidate{Photo: e.photo, Rev: e.rev, HashBits: bitsOff, Faces: e.faces})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rev < out[j].Rev })
	return out
}

// within reports whether two descriptors lie within the squared distance
// limit, giving up as soon as the partial sum exceeds it: two different
// faces do within a few dimensions.
func within(a, b *face.Descriptor, limit float64) bool {
	var s float64
	for k := 0; k < face.Dim; k += 8 {
		for i := k; i < k+8; i++ {
			x := float64(a[i] - b[i])
			s += x * x
		}
		if s > limit {
			return false
		}
	}
	return true
}
