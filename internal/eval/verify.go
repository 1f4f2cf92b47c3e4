package eval

import (
	"math"
	"math/rand"
	"sort"

	"github.com/facetriage/facetriage/internal/face"
)

// Verification holds the distance distributions of genuine pairs (two
// photos of one person) and impostor pairs (two people).
type Verification struct {
	Genuine  []float64 `json:"-"`
	Impostor []float64 `json:"-"`
}

// Pairs measures every genuine pair, and impostor pairs sampled at random
// (seeded): nImpostor of them.
func Pairs(samples []Sample, faces []Faces, nImpostor int, seed int64) Verification {
	type item struct {
		id int
		d  face.Descriptor
	}
	ids := map[string]int{}
	var items []item
	for i, s := range samples {
		if len(faces[i].Descriptors) == 0 {
			continue
		}
		id, ok := ids[s.Identity]
		if !ok {
			id = len(ids)
			ids[s.Identity] = id
		}
		items = append(items, item{id, faces[i].Descriptors[0]})
	}
	var v Verification
	byID := map[int][]face.Descriptor{}
	for _, it := range items {
		byID[it.id] = append(byID[it.id], it.d)
	}
	for _, ds := range byID {
		for i := range ds {
			for j := i + 1; j < len(ds); j++ {
				v.Genuine = append(v.Genuine, ds[i].Distance(ds[j]))
			}
		}
	}
	r := rand.New(rand.NewSource(seed))
	for len(v.Impostor) < nImpostor && len(ids) > 1 {
		a, b := items[r.Intn(len(items))], items[r.Intn(len(items))]
		if a.id != b.id {
			v.Impostor = append(v.Impostor, a.d.Distance(b.d))
		}
	}
	sort.Float64s(v.Genuine)
	sort.Float64s(v.Impostor)
	return v
}

// FMR is the false match rate at distance t: the share of impostor pairs
// at t or nearer.
func (v Verification) FMR(t float64) float64 { return share(v.Impostor, t) }

// TMR is the true match rate at t: the share of genuine pairs at t or nearer.
func (v Verification) TMR(t float64) float64 { return share(v.Genuine, t) }

func share(sorted []float64, t float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sort.Search(len(sorted), func(i int) bool { return sorted[i] > t })) / float64(len(sorted))
}

// DistanceAtFMR is the largest distance whose false match rate is at most
// fmr: just under the distance of the first impostor pair beyond the rate.
func (v Verification) DistanceAtFMR(fmr float64) float64 {
	n := int(fmr * float64(len(v.Impostor)))
	if len(v.Impostor) == 0 {
		return 0
	}
	if n >= len(v.Impostor) {
		return v.Impostor[len(v.Impostor)-1]
	}
	excluded := v.Impostor[n]
	i := sort.SearchFloat64s(v.Impostor, excluded) // pairs tied with it go too
	if i == 0 {
		return math.Nextafter(excluded, 0)
	}
	return v.Impostor[i-1]
}

// ROCPoint is one point of the verification curve.
type ROCPoint struct {
	Distance float64 `json:"distance"`
	FMR      float64 `json:"fmr"`
	TMR      float64 `json:"tmr"`
}

// ROC samples the curve at distances from 0.2 to 1.0.
func (v Verification) ROC() []ROCPoint {
	var out []ROCPoint
	for t := 0.20; t <= 1.0001; t += 0.01 {
		out = append(out, ROCPoint{Distance: t, FMR: v.FMR(t), TMR: v.TMR(t)})
	}
	return out
}
