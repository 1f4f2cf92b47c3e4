package eval

import (
	"math"
	"math/rand"
	"sort"
	"testing"
)

// rankOneSize draws n non-mated rank-1 scores of searches of m faces from
// FPIR(s, M) = 1 − exp(−M^β·exp(a + b·s)).
func rankOneSize(rng *rand.Rand, n int, m, a, b, beta float64, rates []float64) SizeResult {
	r := SizeResult{NonMatedFaces: m}
	for range n {
		u := rng.Float64()
		r.rank1 = append(r.rank1, (math.Log(-math.Log1p(-u))-beta*math.Log(m)-a)/b)
	}
	sort.Float64s(r.rank1)
	for _, rate := range rates {
		r.Rates = append(r.Rates, RateResult{FPIR: rate, Threshold: ThresholdAt(r.rank1, rate)})
	}
	return r
}

func TestRankOneFitRecoversTheExponentAndPredictsALargerArchive(t *testing.T) {
	const a, b, beta = -12.0, 20.0, 0.7
	rates := []float64{0.001, 0.01, 0.1}
	rng := rand.New(rand.NewSource(3))
	fit, err := fitRankOne([]SizeResult{
		rankOneSize(rng, 40000, 2000, a, b, beta, rates),
		rankOneSize(rng, 40000, 4000, a, b, beta, rates),
	})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(fit.Beta-beta) > 0.08 {
		t.Errorf("β fitted %.3f, drawn from %.3f", fit.Beta, beta)
	}
	if fit.Kappa < 1 || fit.Kappa > 1.5 {
		t.Errorf("κ %.3g: a fit on its own model's draws should need little caution", fit.Kappa)
	}
	m := fit.Model()
	held := rankOneSize(rng, 40000, 20000, a, b, beta, rates)
	for i, rate := range rates {
		got, want := m.Distance(rate, 20000), held.Rates[i].Threshold
		if math.Abs(got-want) > 0.02 {
			t.Errorf("at 20,000 faces, rate %g: model score %.3f, measured %.3f", rate, got, want)
		}
		if fp := m.FPIR(want, 20000); fp < rate/2 || fp > rate*2 {
			t.Errorf("at 20,000 faces the model gives FPIR %.4f at the measured threshold of %g", fp, rate)
		}
	}
	if _, err := fitRankOne([]SizeResult{held}); err == nil {
		t.Error("a fit on one size cannot separate β from a, and must be refused")
	}
}

// A convex fit (c > 0) turns back up below its range; the model must not:
// below the fit's first score it falls on in a straight line, and "strong"
// stays reachable at 70,000 faces.
func TestRankOneModelDoesNotTurnBackUpBelowItsFit(t *testing.T) {
	f := RankOneFit{A: -15.6, B: 7.8, C: 20.4, Beta: 1, Kappa: 1, From: -0.02, To: 0.41}
	m := f.Model()
	prev := m.Q(f.From)
	for s := f.From - 0.05; s >= -1.2; s -= 0.05 {
		q := m.Q(s)
		if !(q < prev) {
			t.Fatalf("q(%.2f) = %.3g, not below q(%.2f) = %.3g", s, q, s+0.05, prev)
		}
		prev = q
	}
	if d := m.Distance(0.001, 70000); d <= -1 || m.FPIR(d, 70000) > 0.001 {
		t.Errorf("strong at 70,000 faces: score %.3f, FPIR there %.4g", d, m.FPIR(d, 70000))
	}
}
