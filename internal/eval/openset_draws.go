package eval

import (
	"math"
	"math/rand"
	"sort"
)

// Draw is one gallery: a random subset of the individuals that have a
// face.
type Draw struct {
	Members []int32
	In      []bool
	// Faces is the number of faces of the members: M.
	Faces int
}

// DrawGallery draws n of the individuals that have a face, at random
// (all of them when n reaches their number).
func (o *OpenSet) DrawGallery(n int, rng *rand.Rand) *Draw {
	var pool []int32
	for i, fs := range o.FacesOf {
		if len(fs) > 0 {
			pool = append(pool, int32(i))
		}
	}
	if n < len(pool) {
		rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		pool = pool[:n]
		sort.Slice(pool, func(i, j int) bool { return pool[i] < pool[j] })
	}
	d := &Draw{Members: pool, In: make([]bool, len(o.Names))}
	for _, i := range pool {
		d.In[i] = true
		d.Faces += len(o.FacesOf[i])
	}
	return d
}

// Scorer scores a draw's members for each search: lower is nearer.
type Scorer interface {
	// ForDraw readies the scorer for a gallery; the function it returns
	// fills scores[k] for d.Members[k] (withPerson false: as if the
	// person searched for were not in the gallery, for the non-mated
	// search), and may be called from several goroutines at once.
	ForDraw(o *OpenSet, d *Draw) ScoreFunc
}

// ScoreFunc scores a draw's members for search s.
type ScoreFunc func(s int, withPerson bool, scores []float64)

// NearestFace is the product's score: the distance to an individual's
// nearest face.
type NearestFace struct{}

// ForDraw implements Scorer.
func (NearestFace) ForDraw(o *OpenSet, d *Draw) ScoreFunc {
	return func(s int, _ bool, scores []float64) {
		row := o.nearest[s]
		for k, i := range d.Members {
			scores[k] = float64(row[i])
		}
	}
}

// Outcome is one search of one gallery.
type Outcome struct {
	Search int32 `json:"-"`
	// Mated: the person is in the gallery.
	Mated bool `json:"-"`
	// Faces and Individuals searched (M and N); a non-mated search's
	// gallery is the draw without the person.
	Faces, Individuals int32 `json:"-"`
	// First and Second are the scores of the first two individuals
	// other than the person (for a non-mated search, ranks 1 and 2).
	First, Second float64 `json:"-"`
	// Mate and Rank: the person's score and rank (mated searches).
	Mate float64 `json:"-"`
	Rank int32   `json:"-"`
}

// Outcomes runs every search against a draw, once mated (when the
// person is in it) and once non-mated (the person taken out).
func (o *OpenSet) Outcomes(d *Draw, sc Scorer) []Outcome {
	score := sc.ForDraw(o, d)
	out := make([]Outcome, 2*o.Searches())
	parallel(o.Searches(), func(s int) {
		scores := make([]float64, len(d.Members))
		who := o.SearchOf[s]
		// firsts: the person's score and the best two of the others.
		firsts := func() (mate, first, second float64) {
			mate, first, second = math.Inf(1), math.Inf(1), math.Inf(1)
			for k, i := range d.Members {
				switch v := scores[k]; {
				case i == who:
					mate = v
				case v < first:
					first, second = v, first
				case v < second:
					second = v
				}
			}
			return mate, first, second
		}
		score(s, false, scores)
		_, first, second := firsts()
		n, m := int32(len(d.Members)), int32(d.Faces)
		non := Outcome{Search: int32(s), Faces: m, Individuals: n, First: first, Second: second, Rank: -1}
		if d.In[who] {
			non.Faces -= int32(len(o.FacesOf[who]))
			non.Individuals--
		}
		if d.In[who] && o.MateFaces[s] > 0 {
			score(s, true, scores)
			mate, first, second := firsts()
			rank := int32(1)
			for k, i := range d.Members {
				if i != who && scores[k] < mate {
					rank++
				}
			}
			out[2*s] = Outcome{Search: int32(s), Mated: true, Faces: m, Individuals: n,
				First: first, Second: second, Mate: mate, Rank: rank}
		} else {
			out[2*s].Search = -1
		}
		out[2*s+1] = non
	})
	kept := out[:0]
	for _, oc := range out {
		if oc.Search >= 0 {
			kept = append(kept, oc)
		}
	}
	return kept
}

// Split outcomes into mated and non-mated searches.
func splitOutcomes(all []Outcome) (mated, non []Outcome) {
	for _, oc := range all {
		if oc.Mated {
			mated = append(mated, oc)
		} else {
			non = append(non, oc)
		}
	}
	return mated, non
}

// rank1Scores are the non-mated searches' rank-1 scores, sorted.
func rank1Scores(non []Outcome) []float64 {
	out := make([]float64, len(non))
	for i, oc := range non {
		out[i] = oc.First
	}
	sort.Float64s(out)
	return out
}

// ThresholdAt is the largest score at which the share of sorted scores at
// or under it is at most rate (the threshold of a false positive
// identification rate): just under the first score beyond the rate.
func ThresholdAt(sorted []float64, rate float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	n := int(rate * float64(len(sorted)))
	if n >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	i := sort.SearchFloat64s(sorted, sorted[n]) // scores tied with it go too
	if i == 0 {
		return math.Nextafter(sorted[n], math.Inf(-1))
	}
	return sorted[i-1]
}

// FPIR is the share of non-mated searches whose rank-1 score is at most t.
func FPIR(non []Outcome, t float64) float64 {
	if len(non) == 0 {
		return 0
	}
	k := 0
	for _, oc := range non {
		if oc.First <= t {
			k++
		}
	}
	return float64(k) / float64(len(non))
}

// FNIR is the share of mated searches whose person is not returned at
// rank maxRank or better with a score at most t.
func FNIR(mated []Outcome, t float64, maxRank int) float64 {
	if len(mated) == 0 {
		return 0
	}
	miss := 0
	for _, oc := range mated {
		if oc.Rank > int32(maxRank) || oc.Mate > t {
			miss++
		}
	}
	return float64(miss) / float64(len(mated))
}

// CMC is the share of mated searches whose person is at each rank or
// better, for ranks 1 to depth.
func CMC(mated []Outcome, depth int) []float64 {
	out := make([]float64, depth)
	for _, oc := range mated {
		if oc.Rank >= 1 && int(oc.Rank) <= depth && !math.IsInf(oc.Mate, 1) {
			for k := oc.Rank - 1; int(k) < depth; k++ {
				out[k]++
			}
		}
	}
	for k := range out {
		out[k] /= math.Max(1, float64(len(mated)))
	}
	return out
}

// quantile of sorted values (nearest rank); 0 when there are none.
func quantile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
