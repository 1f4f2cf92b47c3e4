package eval

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"sort"

	"github.com/facetriage/facetriage/internal/match"
)

// The rank-one model is fitted on what a word promises, the rank-1 score
// of non-mated searches, rather than on pairs of faces:
//
//	FPIR(s, M) = 1 − exp(−M^β · exp(a + b·s + c·s²))
//
// For each fitting size, F(s) is the measured share of its non-mated
// searches whose rank-1 score is at most s, and ln(−ln(1 − F(s))) is
// linear in (1, s, s², ln M): a weighted least-squares fit on the lower
// tail (F at most RankOneMaxF), each point weighted by its number of
// searches. The exponent β says how fast the tail moves as the archive
// grows; a pair model with independent faces would have β = 1. Scores
// of one search against its faces share the search's normalisation, so
// they are not independent, which is why a pair model needed κ ≈ 15.
const (
	RankOneMaxF     = 0.2
	RankOneMinCount = 5
	RankOneStep     = 0.005
)

// ErrRankOneFit is returned when the rank-one model cannot be fitted.
var ErrRankOneFit = errors.New("eval: the rank-one model cannot be fitted")

// RankOneFit is the fitted model with how it was fitted.
type RankOneFit struct {
	A, B, C, Beta float64
	// Kappa is the factor on M^β·exp(…) that makes every rate hold on the
	// fitting sizes (at least 1: the fit is never relaxed).
	Kappa float64
	// From and To: the scores the fit rests on.
	From, To float64
	Points   int
}

// fitRankOne fits the rank-one model on the sizes' non-mated searches.
func fitRankOne(sizes []SizeResult) (RankOneFit, error) {
	var rows [][]float64
	var ys, ws []float64
	fit := RankOneFit{From: math.Inf(1), To: math.Inf(-1)}
	for _, r := range sizes {
		lnM := math.Log(math.Max(1, r.NonMatedFaces))
		n := float64(len(r.rank1))
		for _, p := range tailPoints(r.rank1) {
			f := p[1] / n
			rows = append(rows, []float64{1, p[0], p[0] * p[0], lnM})
			ys, ws = append(ys, math.Log(-math.Log1p(-f))), append(ws, p[1])
			fit.From, fit.To = math.Min(fit.From, p[0]), math.Max(fit.To, p[0])
		}
	}
	if len(ys) < 8 || len(sizes) < 2 {
		return fit, fmt.Errorf("%w: %d points on %d sizes (want 8 on 2)", ErrRankOneFit, len(ys), len(sizes))
	}
	c, err := lstsq(rows, ys, ws)
	if err != nil {
		return fit, fmt.Errorf("%w: %v", ErrRankOneFit, err)
	}
	fit.A, fit.B, fit.C, fit.Beta, fit.Points = c[0], c[1], c[2], c[3], len(ys)
	if !rising(c[:3], fit.To) || fit.B+2*fit.C*fit.From <= 0 || fit.Beta <= 0 {
		return fit, fmt.Errorf("%w: coefficients %v", ErrRankOneFit, c)
	}
	fit.Kappa = 1
	for _, r := range sizes {
		for _, rr := range r.Rates {
			need := -math.Log1p(-rr.FPIR) / math.Pow(math.Max(1, r.NonMatedFaces), fit.Beta)
			if h := fit.hazard(rr.Threshold); h > 0 {
				fit.Kappa = math.Max(fit.Kappa, need/h)
			}
		}
	}
	fit.Kappa = sigUp(fit.Kappa, 3)
	return fit, nil
}

// tailPoints are (score, searches at most that score) on the lower tail
// of sorted rank-1 scores.
func tailPoints(sorted []float64) [][2]float64 {
	var out [][2]float64
	if len(sorted) == 0 {
		return out
	}
	n := float64(len(sorted))
	for s := math.Floor(sorted[0]/RankOneStep) * RankOneStep; ; s += RankOneStep {
		s = round(s, 4)
		k := float64(sort.Search(len(sorted), func(i int) bool { return sorted[i] > s }))
		if k/n > RankOneMaxF {
			return out
		}
		if k >= RankOneMinCount {
			out = append(out, [2]float64{s, k})
		}
	}
}

// hazard is exp(a + b·s + c·s²) on and above the fit's range; below it,
// where no search was seen, it goes on in a straight line (in ln) with
// the slope at the fit's first score, so that a quadratic fitted on the
// measured tail cannot turn back up where it was not measured. With c > 0
// that slope is the smallest of the fitted range: the extension falls no
// faster than the measured tail did.
func (f RankOneFit) hazard(s float64) float64 {
	if s < f.From {
		return math.Exp(f.lnHazard(f.From) + f.slope()*(s-f.From))
	}
	return math.Exp(f.lnHazard(s))
}

func (f RankOneFit) lnHazard(s float64) float64 { return f.A + f.B*s + f.C*s*s }

func (f RankOneFit) slope() float64 { return f.B + 2*f.C*f.From }

// RankOneExtension is how far below the fit's first score the model's
// points go, on the straight extension.
const RankOneExtension = 0.6

// Model is the fit as the product reads it: q(s) = 1 − exp(−κ·H(s)),
// sampled from RankOneExtension below the fit's first score to where it
// reaches 1 (or stops rising), the straight extension as the tail below,
// and the exponent β.
func (f RankOneFit) Model() match.Model {
	k := math.Max(1, f.Kappa)
	from := round(f.From-RankOneExtension, 2)
	m := match.Model{Exponent: f.Beta, Tail: match.Tail{Form: "ln(-ln(1-q)) = a + b*s (the fit's slope at its first score, extended)",
		A: f.lnHazard(f.From) - f.slope()*f.From + math.Log(k), B: f.slope(), From: f.From, To: f.To}}
	top := math.Inf(1)
	if f.C < 0 {
		top = -f.B / (2 * f.C) // where the quadratic turns
	}
	for s := from; ; s += 0.01 {
		s = round(s, 4)
		if s > top || s > 3 {
			last := m.Points[len(m.Points)-1][0]
			m.Points = append(m.Points, [2]float64{round(last+0.01, 4), 1})
			return m
		}
		q := sig(-math.Expm1(-k*f.hazard(s)), 4)
		if len(m.Points) > 0 && q <= m.Points[len(m.Points)-1][1] {
			continue
		}
		m.Points = append(m.Points, [2]float64{s, math.Min(1, q)})
		if q >= 1 {
			return m
		}
	}
}

// bootstrapRankOne refits the model on resamplings of the searches (a
// search keeps all its draws), for the words' intervals.
func bootstrapRankOne(sizes []SizeResult, times int, seed int64) []match.Model {
	var out []match.Model
	rng := rand.New(rand.NewSource(seed))
	for range times {
		var res []SizeResult
		for _, r := range sizes {
			by := map[int32][]float64{}
			var ids []int32
			for _, oc := range r.non {
				if _, ok := by[oc.Search]; !ok {
					ids = append(ids, oc.Search)
				}
				by[oc.Search] = append(by[oc.Search], oc.First)
			}
			sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
			b := SizeResult{NonMatedFaces: r.NonMatedFaces}
			for range ids {
				b.rank1 = append(b.rank1, by[ids[rng.Intn(len(ids))]]...)
			}
			sort.Float64s(b.rank1)
			for _, rr := range r.Rates {
				b.Rates = append(b.Rates, RateResult{FPIR: rr.FPIR, Threshold: ThresholdAt(b.rank1, rr.FPIR)})
			}
			res = append(res, b)
		}
		if f, err := fitRankOne(res); err == nil {
			out = append(out, f.Model())
		}
	}
	return out
}

// lstsq solves the weighted least-squares problem rows·c ≈ y.
func lstsq(rows [][]float64, y, w []float64) ([]float64, error) {
	n := len(rows[0])
	a := make([][]float64, n)
	for i := range a {
		a[i] = make([]float64, n+1)
	}
	for k, x := range rows {
		for i := range n {
			for j := range n {
				a[i][j] += w[k] * x[i] * x[j]
			}
			a[i][n] += w[k] * x[i] * y[k]
		}
	}
	return solve(a)
}
