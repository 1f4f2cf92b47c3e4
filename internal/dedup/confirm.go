package dedup

import (
	"sort"

	"github.com/facetriage/facetriage/internal/face"
)

// Confirm decides whether two photos are one photograph, by their faces:
// every face of the photo with fewer faces must pair with a distinct face
// of the other, nearer than FaceNearHashed when their hashes are within
// HashNear bits (hashBits, −1 when unknown) and nearer than FaceNear
// otherwise. A crop may lose faces at the edge, and a halved photo faces too
// small to find; a copy never shows a face its original lacks, but either
// may be the one registered first.
//
// pairs maps each face of a to its face of b, or −1.
func Confirm(a, b []face.Descriptor, hashBits int) (pairs []int, ok bool) {
	if len(a) == 0 || len(b) == 0 {
		return nil, false
	}
	limit := FaceNear
	if hashBits >= 0 && hashBits <= HashNear {
		limit = FaceNearHashed
	}
	type cand struct {
		i, j int
		d    float64
	}
	var cs []cand
	for i := range a {
		for j := range b {
			if d := a[i].Distance(b[j]); d <= limit {
				cs = append(cs, cand{i, j, d})
			}
		}
	}
	sort.Slice(cs, func(x, y int) bool { return cs[x].d < cs[y].d })
	pairs = make([]int, len(a))
	for i := range pairs {
		pairs[i] = -1
	}
	usedB := make([]bool, len(b))
	n := 0
	for _, c := range cs { // greedy, nearest first
		if pairs[c.i] < 0 && !usedB[c.j] {
			pairs[c.i], usedB[c.j] = c.j, true
			n++
		}
	}
	return pairs, n == min(len(a), len(b))
}
