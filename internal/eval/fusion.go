package eval

import (
	"github.com/facetriage/facetriage/internal/face"
)

// FusionSplit is the protocol with two reference photos: for identities
// with three or more photos, the first two are the family's references
// and the rest go into the archive; everything else is a distractor.
func FusionSplit(samples []Sample, limit int) (refs [][2]Sample, sp Split) {
	base := FamilySplit(samples, 0)
	by := map[string][]Sample{}
	for _, s := range append(append([]Sample{}, base.Probes...), base.Archive...) {
		by[s.Identity] = append(by[s.Identity], s)
	}
	var ids []string
	for _, p := range base.Probes {
		if len(by[p.Identity]) >= 3 {
			ids = append(ids, p.Identity)
		}
	}
	if limit > 0 {
		ids = every(ids, limit)
	}
	keep := map[string]bool{}
	for _, id := range ids {
		ps := by[id]
		sortSamples(ps)
		refs = append(refs, [2]Sample{ps[0], ps[1]})
		sp.Probes = append(sp.Probes, ps[0])
		sp.Archive = append(sp.Archive, ps[2:]...)
		keep[id] = true
	}
	for id, ps := range by {
		if !keep[id] && len(ps) == 1 {
			sp.Archive = append(sp.Archive, ps...)
			sp.Distractors++
		}
	}
	sortSamples(sp.Archive)
	return refs, sp
}

func sortSamples(s []Sample) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].Path < s[j-1].Path; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Fuse is how several reference faces become one score per individual.
type Fuse string

// Fusions.
const (
	FuseMin  Fuse = "min"  // the nearest distance to any reference
	FuseMean Fuse = "mean" // the distance to the mean of the references
)

// RankFused ranks individuals for several reference descriptors.
func (g *Gallery) RankFused(qs []face.Descriptor, target string, fuse Fuse) int {
	switch {
	case len(qs) == 0:
		return 0
	case len(qs) == 1:
		return g.Rank(qs[0], target, AggMin).Individual
	case fuse == FuseMean:
		var m face.Descriptor
		for _, q := range qs {
			for i := range m {
				m[i] += q[i] / float32(len(qs))
			}
		}
		return g.Rank(m, target, AggMin).Individual
	}
	tid, ok := g.ids[target]
	if !ok {
		return 0
	}
	best := make([]float64, len(g.ids))
	for i := range best {
		best[i] = 1e9
	}
	for i, d := range g.desc {
		for _, q := range qs {
			if dist := d.Distance(q); dist < best[g.identity[i]] {
				best[g.identity[i]] = dist
			}
		}
	}
	if best[tid] >= 1e9 {
		return 0
	}
	rank := 1
	for id, b := range best {
		if id != tid && b < best[tid] {
			rank++
		}
	}
	return rank
}
