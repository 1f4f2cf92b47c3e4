package eval

import (
	"math"
	"sort"
)

// Ks are the ranks the report gives hit rates for.
var Ks = []int{1, 5, 10, 20}

// CMCDepth is how many ranks the CMC curve covers.
const CMCDepth = 50

// Scores summarises one method under one condition.
type Scores struct {
	Probes int `json:"probes"`
	// Hit[k] is the share of probes whose person is among the first k
	// items shown (individuals for the product, photos for the baseline).
	Hit map[int]float64 `json:"hit"`
	// MedianRank over all probes; 0 when more than half were never found.
	MedianRank float64 `json:"median_rank"`
	// MeanViewed is the mean number of images a family looks at until the
	// right person, among probes whose person is found at all.
	MeanViewed float64 `json:"mean_viewed"`
	// MeanViewed20 counts a miss of the first 20 as 20 images viewed.
	MeanViewed20 float64 `json:"mean_viewed_top20"`
	// NeverFound: probes whose person has no face in the index, or with no
	// face in the probe photo.
	NeverFound int `json:"never_found"`
	// CMC[i] is the hit rate at rank i+1.
	CMC []float64 `json:"cmc"`
}

// Score computes Scores from each probe's rank (0: never found).
func Score(ranks []int) Scores {
	s := Scores{Probes: len(ranks), Hit: map[int]float64{}, CMC: make([]float64, CMCDepth)}
	if len(ranks) == 0 {
		return s
	}
	sorted := make([]float64, len(ranks))
	var viewed, viewed20 float64
	found := 0
	for i, r := range ranks {
		if r <= 0 {
			s.NeverFound++
			sorted[i] = math.Inf(1)
			viewed20 += 20
			continue
		}
		sorted[i] = float64(r)
		found++
		viewed += float64(r)
		viewed20 += math.Min(float64(r), 20)
		for k := r; k <= CMCDepth; k++ {
			s.CMC[k-1]++
		}
	}
	n := float64(len(ranks))
	for i := range s.CMC {
		s.CMC[i] /= n
	}
	for _, k := range Ks {
		s.Hit[k] = s.CMC[k-1]
	}
	sort.Float64s(sorted)
	if m := median(sorted); !math.IsInf(m, 1) {
		s.MedianRank = m
	}
	if found > 0 {
		s.MeanViewed = viewed / float64(found)
	}
	s.MeanViewed20 = viewed20 / n
	return s
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
