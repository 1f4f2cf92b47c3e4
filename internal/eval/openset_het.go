package eval

import (
	"math"

	"github.com/facetriage/facetriage/internal/match"
)

// FPIRModel is a model of how often a non-mated search of M faces shows
// a face within d: match.Model, or Heterogeneous.
type FPIRModel interface {
	Q(d float64) float64
	FPIR(d float64, faces int) float64
	Distance(fpir float64, faces int) float64
}

var (
	_ FPIRModel = match.Model{}
	_ FPIRModel = Heterogeneous{}
)

// Heterogeneous is the product's model with searches that are not
// alike: some references lie near many faces, most near few. Each
// search's q is q(d) times a factor drawn from a gamma distribution of
// mean 1 and shape K, and then
//
//	FPIR(d, M) = 1 − (1 + M·q(d)/K)^(−K).
//
// For small M·q it is M·q, as the product's model is; as M·q grows it
// rises more slowly, because the false positives fall on the same few
// searches. K = 0 (unset) stands for K → ∞: the product's model.
type Heterogeneous struct {
	match.Model
	K float64 `json:"k"`
}

// FPIR is the heterogeneous model's FPIR.
func (h Heterogeneous) FPIR(d float64, faces int) float64 {
	if h.K <= 0 || math.IsInf(h.K, 1) {
		return h.Model.FPIR(d, faces)
	}
	q := h.Q(d)
	return -math.Expm1(-h.K * math.Log1p(float64(max(faces, 1))*q/h.K))
}

// Distance is the largest distance whose FPIR is at most fpir.
func (h Heterogeneous) Distance(fpir float64, faces int) float64 {
	lo, hi := 0.0, 2.0
	for range 60 {
		mid := (lo + hi) / 2
		if h.FPIR(mid, faces) <= fpir {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// needQ is the q at which the heterogeneous model of shape k reaches
// fpir with M faces.
func needQ(fpir float64, faces, k float64) float64 {
	if k <= 0 || math.IsInf(k, 1) {
		return -math.Expm1(math.Log1p(-fpir) / faces)
	}
	return k * math.Expm1(-math.Log1p(-fpir)/k) / faces
}

// FitHeterogeneous fits the shape K and the scale κ on q: for each K
// of a grid, κ is the smallest scale that makes the model conservative
// at every rate on the sizes given; the K kept is the one whose
// predictions at the measured thresholds lie nearest the rates (least
// squares on their logarithms). K = +Inf is the product's model.
func FitHeterogeneous(m match.Model, sizes []SizeResult) (k, kappa float64) {
	best := math.Inf(1)
	grid := []float64{math.Inf(1)}
	for x := 0.05; x <= 50; x *= 1.25 {
		grid = append(grid, x)
	}
	for _, kk := range grid {
		kap := 0.0
		for _, r := range sizes {
			for _, rr := range r.Rates {
				if q := m.Q(rr.Threshold); q > 0 {
					kap = math.Max(kap, needQ(rr.FPIR, math.Max(1, r.NonMatedFaces), kk)/q)
				}
			}
		}
		if kap == 0 {
			continue
		}
		h := Heterogeneous{Model: ScaleModel(m, kap), K: kk}
		var e float64
		for _, r := range sizes {
			for _, rr := range r.Rates {
				p := h.FPIR(rr.Threshold, int(math.Round(r.NonMatedFaces)))
				e += math.Pow(math.Log(p/rr.FPIR), 2)
			}
		}
		if e < best {
			best, k, kappa = e, kk, kap
		}
	}
	if math.IsInf(k, 1) {
		k = 0 // the product's model
	}
	return sig(k, 3), sigUp(kappa, 3)
}
