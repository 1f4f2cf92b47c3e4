package eval

import (
	"math"
	"math/rand"
	"sort"
)

// SizeSpec is a gallery size and how many random galleries of it to draw.
type SizeSpec struct {
	// Individuals in the gallery; 0 means all of them.
	Individuals int `json:"individuals"`
	Draws       int `json:"draws"`
}

// RateResult is FNIR at one FPIR, with the threshold that gives it.
type RateResult struct {
	FPIR float64 `json:"fpir"`
	// Threshold is the largest distance whose measured FPIR is at most
	// FPIR; Measured the FPIR there.
	Threshold float64 `json:"threshold"`
	Measured  float64 `json:"measured_fpir"`
	// FNIR: mated searches whose person is not first with a distance at
	// most Threshold; FNIRShortlist: not in the shortlist (the first
	// Shortlist individuals) at most Threshold away.
	FNIR          float64 `json:"fnir"`
	FNIRShortlist float64 `json:"fnir_shortlist"`
}

// Spread summarises a distribution.
type Spread struct {
	Mean float64 `json:"mean"`
	P01  float64 `json:"p01"`
	P05  float64 `json:"p05"`
	P10  float64 `json:"p10"`
	P25  float64 `json:"p25"`
	P50  float64 `json:"p50"`
	P75  float64 `json:"p75"`
}

func spread(sorted []float64) Spread {
	var s float64
	for _, v := range sorted {
		s += v
	}
	return Spread{Mean: s / math.Max(1, float64(len(sorted))), P01: quantile(sorted, 0.01), P05: quantile(sorted, 0.05),
		P10: quantile(sorted, 0.1), P25: quantile(sorted, 0.25), P50: quantile(sorted, 0.5), P75: quantile(sorted, 0.75)}
}

// SizeResult is the open-set evaluation at one gallery size.
type SizeResult struct {
	SizeSpec
	// Mean individuals (N) and faces (M) of the galleries drawn, and of
	// the non-mated searches' galleries (the draw without the person).
	MeanIndividuals float64 `json:"mean_individuals"`
	MeanFaces       float64 `json:"mean_faces"`
	NonMatedFaces   float64 `json:"non_mated_mean_faces"`
	MinFaces        int     `json:"min_faces"`
	MaxFaces        int     `json:"max_faces"`
	Mated           int     `json:"mated_searches"`
	NonMated        int     `json:"non_mated_searches"`
	// Rates: FNIR at each FPIR.
	Rates []RateResult `json:"rates"`
	// CMC of the mated searches, ranks 1 to CMCDepth.
	CMC []float64 `json:"cmc"`
	// Rank1 is the distribution of the non-mated searches' rank-1
	// distance.
	Rank1 Spread `json:"non_mated_rank1"`

	mated, non []Outcome
	rank1      []float64
}

// EvaluateSizes draws galleries of each size and runs every search
// against each, mated and non-mated, with the scorer.
func (o *OpenSet) EvaluateSizes(sizes []SizeSpec, rates []float64, shortlist int, seed int64, sc Scorer) []SizeResult {
	var out []SizeResult
	for k, sz := range sizes {
		rng := rand.New(rand.NewSource(seed + int64(k)*7919))
		res := SizeResult{SizeSpec: sz, MinFaces: math.MaxInt}
		var all []Outcome
		for range max(1, sz.Draws) {
			n := sz.Individuals
			if n <= 0 {
				n = len(o.Names)
			}
			d := o.DrawGallery(n, rng)
			res.MeanIndividuals += float64(len(d.Members))
			res.MeanFaces += float64(d.Faces)
			res.MinFaces, res.MaxFaces = min(res.MinFaces, d.Faces), max(res.MaxFaces, d.Faces)
			all = append(all, o.Outcomes(d, sc)...)
		}
		res.MeanIndividuals /= float64(max(1, sz.Draws))
		res.MeanFaces /= float64(max(1, sz.Draws))
		res.Draws = max(1, sz.Draws)
		res.mated, res.non = splitOutcomes(all)
		res.Mated, res.NonMated = len(res.mated), len(res.non)
		for _, oc := range res.non {
			res.NonMatedFaces += float64(oc.Faces)
		}
		res.NonMatedFaces /= math.Max(1, float64(len(res.non)))
		res.rank1 = rank1Scores(res.non)
		res.Rank1 = spread(res.rank1)
		res.CMC = CMC(res.mated, CMCDepth)
		for _, r := range rates {
			t := ThresholdAt(res.rank1, r)
			res.Rates = append(res.Rates, RateResult{FPIR: r, Threshold: t, Measured: FPIR(res.non, t),
				FNIR: FNIR(res.mated, t, 1), FNIRShortlist: FNIR(res.mated, t, shortlist)})
		}
		out = append(out, res)
	}
	return out
}

// DET is the FNIR–FPIR curve of a size: FNIR (rank 1) against FPIR at
// every distinct non-mated rank-1 distance.
func (r SizeResult) DET() (fpir, fnir []float64) {
	mates := make([]float64, 0, len(r.mated))
	for _, oc := range r.mated {
		if oc.Rank == 1 {
			mates = append(mates, oc.Mate)
		}
	}
	sort.Float64s(mates)
	for i, t := range r.rank1 {
		if i+1 < len(r.rank1) && r.rank1[i+1] == t {
			continue
		}
		hits := sort.Search(len(mates), func(k int) bool { return mates[k] > t })
		fpir = append(fpir, float64(i+1)/float64(len(r.rank1)))
		fnir = append(fnir, 1-float64(hits)/math.Max(1, float64(len(r.mated))))
	}
	return fpir, fnir
}

// Check is the model checked at one size and rate: the product labels a
// candidate with the word of rate Rate when it lies within the model's
// distance for the gallery's size; Measured is how often a non-mated
// search then shows one.
type Check struct {
	Rate float64 `json:"rate"`
	// Distance is the model's distance at the size's mean M (each
	// search is checked at its own M).
	Distance float64 `json:"model_distance"`
	// Measured FPIR at the model's distances, with its count and 95 %
	// interval (Wilson).
	Measured float64    `json:"measured_fpir"`
	Count    int        `json:"false_positives"`
	CI       [2]float64 `json:"ci95"`
	// Predicted is the model's FPIR at the measured threshold of Rate;
	// DistanceError the model's distance minus that threshold.
	Predicted     float64 `json:"predicted_at_measured_threshold"`
	DistanceError float64 `json:"distance_error"`
	// Conservative: the measured FPIR is at most the rate; Exceeds: the
	// low end of its interval lies above the rate (more than noise).
	Conservative bool `json:"conservative"`
	Exceeds      bool `json:"exceeds"`
	// FNIR of mated searches at the model's distance (rank 1, and in the
	// shortlist): what the words cost.
	FNIR          float64 `json:"fnir"`
	FNIRShortlist float64 `json:"fnir_shortlist"`
}

// CheckModel checks a model against a size's searches.
func CheckModel(m FPIRModel, r SizeResult, shortlist int) []Check {
	at := distanceMemo(m)
	var out []Check
	for _, rr := range r.Rates {
		c := Check{Rate: rr.FPIR, Distance: m.Distance(rr.FPIR, int(math.Round(r.NonMatedFaces)))}
		var pred float64
		for _, oc := range r.non {
			if oc.First <= at(rr.FPIR, oc.Faces) {
				c.Count++
			}
			pred += m.FPIR(rr.Threshold, int(oc.Faces))
		}
		n := float64(len(r.non))
		c.Measured = float64(c.Count) / math.Max(1, n)
		c.CI[0], c.CI[1] = wilson(c.Count, len(r.non))
		c.Predicted = pred / math.Max(1, n)
		c.DistanceError = c.Distance - rr.Threshold
		c.Conservative, c.Exceeds = c.Measured <= rr.FPIR, c.CI[0] > rr.FPIR
		miss, missS := 0, 0
		for _, oc := range r.mated {
			t := at(rr.FPIR, oc.Faces)
			if oc.Rank != 1 || oc.Mate > t {
				miss++
			}
			if int(oc.Rank) > shortlist || oc.Mate > t {
				missS++
			}
		}
		c.FNIR = float64(miss) / math.Max(1, float64(len(r.mated)))
		c.FNIRShortlist = float64(missS) / math.Max(1, float64(len(r.mated)))
		out = append(out, c)
	}
	return out
}

// distanceMemo answers m.Distance, remembering each answer (not safe
// for concurrent use).
func distanceMemo(m FPIRModel) func(rate float64, faces int32) float64 {
	memo := map[[2]float64]float64{}
	return func(rate float64, faces int32) float64 {
		k := [2]float64{rate, float64(faces)}
		d, ok := memo[k]
		if !ok {
			d = m.Distance(rate, int(faces))
			memo[k] = d
		}
		return d
	}
}

// wilson is the 95 % Wilson score interval of k successes in n.
func wilson(k, n int) (float64, float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.959964
	p, nn := float64(k)/float64(n), float64(n)
	den := 1 + z*z/nn
	mid := (p + z*z/(2*nn)) / den
	half := z * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn)) / den
	return math.Max(0, mid-half), math.Min(1, mid+half)
}
