package memstore

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/facetriage/facetriage/internal/vector"
)

// smallestIDs is Sample's index: the positions of the k points with the
// smallest IDs among the first upto points, in increasing order of ID.
//
// It is brought up to date by Sample, not by Upsert, and cheaply: points
// are only ever appended and never move, so the points added since the
// last Sample are exactly ids[upto:], and only those need looking at (a
// point overwritten in place keeps its ID, and Sample reads its vector and
// payload afresh). Each new point costs one comparison with the largest
// kept ID, and a heap operation in the rare case it is smaller. With no
// new points, Sample costs the copying of its n points.
//
// Sample holds the store's read lock while it uses the index, so the
// points cannot change under it; mu serialises concurrent Samples.
type smallestIDs struct {
	mu   sync.Mutex
	k    int   // how many are kept: the largest n asked for so far
	upto int   // ids[:upto] have been considered
	pos  []int // min(k, upto) positions, by increasing ID
}

// Sample returns the n points with the smallest IDs, in increasing order of
// ID, or all points when there are fewer. IDs are compared as strings:
// for the canonical lower-case UUIDs of vector.PointID, string order is
// their order as 128-bit numbers, which is Qdrant's order too.
func (s *Store) Sample(ctx context.Context, n int) ([]vector.Point, error) {
	if n <= 0 {
		return nil, fmt.Errorf("%w: sample of %d points", vector.ErrBadQuery, n)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	pos := s.smallestPositions(n)
	out := make([]vector.Point, len(pos))
	for i, p := range pos {
		out[i] = s.point(p)
	}
	return out, nil
}

// smallestPositions returns the positions of the n smallest IDs, in
// increasing order of ID (a copy). The caller holds s.mu for reading.
func (s *Store) smallestPositions(n int) []int {
	x := &s.smallest
	x.mu.Lock()
	defer x.mu.Unlock()
	if n > x.k {
		// Keep more than before: select again over every point.
		x.k, x.upto, x.pos = n, 0, nil
	}
	if x.upto < len(s.ids) {
		x.pos = selectSmallest(s.ids, x.pos, x.upto, x.k)
		x.upto = len(s.ids)
	}
	return slices.Clone(x.pos[:min(n, len(x.pos))])
}

// selectSmallest returns the positions of the k smallest IDs among kept
// (positions sorted by ID, at most k of them) and ids[from:], sorted by
// ID: a bounded max-heap, O(m log k) for m new IDs at worst, O(m) when
// none of them is among the k smallest. kept is returned as it is when no
// new ID displaces one of its entries.
func selectSmallest(ids []string, kept []int, from, k int) []int {
	h := &idHeap{ids: ids, pos: slices.Clone(kept)}
	heap.Init(h)
	changed := false
	for i := from; i < len(ids); i++ {
		switch {
		case len(h.pos) < k:
			heap.Push(h, i)
		case ids[i] < ids[h.pos[0]]:
			h.pos[0] = i
			heap.Fix(h, 0)
		default:
			continue
		}
		changed = true
	}
	if !changed {
		return kept
	}
	slices.SortFunc(h.pos, func(a, b int) int { return strings.Compare(ids[a], ids[b]) })
	return h.pos
}

// idHeap is a max-heap of positions by ID: the root holds the largest ID.
type idHeap struct {
	ids []string
	pos []int
}

func (h *idHeap) Len() int           { return len(h.pos) }
func (h *idHeap) Less(i, j int) bool { return h.ids[h.pos[i]] > h.ids[h.pos[j]] }
func (h *idHeap) Swap(i, j int)      { h.pos[i], h.pos[j] = h.pos[j], h.pos[i] }
func (h *idHeap) Push(x any)         { h.pos = append(h.pos, x.(int)) }
func (h *idHeap) Pop() any {
	x := h.pos[len(h.pos)-1]
	h.pos = h.pos[:len(h.pos)-1]
	return x
}
