package eval

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand"
	"sort"
)

// Evidence fusion, measured: a candidate scores individuals otherwise than
// by their nearest face. It is judged on held-out identities: the
// searches are split in two by identity; thresholds at each FPIR are set
// on one half's non-mated searches (the candidate's parameters are chosen
// there too), and FNIR and FPIR are read on the other half.

// Variant is one setting of a candidate.
type Variant struct {
	Params string
	Scorer Scorer
	// Gap > 0 makes the first individual's score nearer by Gap times its
	// lead over the second (the rank-1/rank-2 gap, at most MaxGap).
	Gap float64
}

// MaxGap caps the rank-1/rank-2 gap the gap variants use.
const MaxGap = 0.3

// Candidate is a fusion method and its settings to try.
type Candidate struct {
	Name     string
	About    string
	Variants []Variant
}

// FusionRate compares a candidate with the product at one FPIR, on the
// held-out half.
type FusionRate struct {
	FPIR float64 `json:"fpir"`
	// FNIR (rank 1) of the product and of the candidate, and the FPIR
	// measured at the thresholds the fitting half set.
	ProductFNIR  float64 `json:"product_fnir"`
	FNIR         float64 `json:"fnir"`
	ProductFPIR  float64 `json:"product_measured_fpir"`
	MeasuredFPIR float64 `json:"measured_fpir"`
}

// FusionSize is a candidate at one gallery size.
type FusionSize struct {
	Individuals int          `json:"individuals"`
	Mated       int          `json:"held_out_mated"`
	NonMated    int          `json:"held_out_non_mated"`
	Rates       []FusionRate `json:"rates"`
}

// FusionResult is a candidate measured.
type FusionResult struct {
	Name   string       `json:"name"`
	About  string       `json:"about"`
	Params string       `json:"params"`
	Tried  []string     `json:"tried"`
	Sizes  []FusionSize `json:"sizes"`
	// Populations: each word's FPIR and FNIR on the other sets, with the
	// product's beside it.
	Populations []FusionPopulation `json:"populations,omitempty"`
	Kept        bool               `json:"kept"`
	Verdict     string             `json:"verdict"`
}

// FusionPopulation is a candidate's words on one set.
type FusionPopulation struct {
	Name    string      `json:"name"`
	Product []WordCheck `json:"product"`
	Method  []WordCheck `json:"method"`
}

// Fuser holds the draws every candidate is measured on.
type Fuser struct {
	O     *OpenSet
	Sizes []SizeSpec
	Rates []float64
	draws [][]*Draw
	// fit says whether a search is in the fitting half.
	fit  []bool
	base [][]Outcome
}

// NewFuser draws the galleries (seeded) and runs the product's score.
func NewFuser(o *OpenSet, sizes []SizeSpec, rates []float64, seed int64) *Fuser {
	fu := &Fuser{O: o, Sizes: sizes, Rates: rates, fit: make([]bool, o.Searches())}
	for s := range fu.fit {
		h := fnv.New32a()
		h.Write([]byte(o.Names[o.SearchOf[s]]))
		fu.fit[s] = h.Sum32()%2 == 0
	}
	for k, sz := range sizes {
		rng := rand.New(rand.NewSource(seed + int64(k)*104729))
		var ds []*Draw
		for range max(1, sz.Draws) {
			n := sz.Individuals
			if n <= 0 {
				n = o.Individuals()
			}
			ds = append(ds, o.DrawGallery(n, rng))
		}
		fu.draws = append(fu.draws, ds)
		fu.base = append(fu.base, fu.outcomes(Variant{Scorer: NearestFace{}}, k))
	}
	return fu
}

func (fu *Fuser) outcomes(v Variant, size int) []Outcome {
	var all []Outcome
	for _, d := range fu.draws[size] {
		all = append(all, fu.O.Outcomes(d, v.Scorer)...)
	}
	if v.Gap > 0 {
		all = gapAdjusted(all, v.Gap)
	}
	return all
}

// gapAdjusted makes each search's first individual nearer by gap times
// its lead over the second.
func gapAdjusted(all []Outcome, gap float64) []Outcome {
	out := make([]Outcome, len(all))
	for i, oc := range all {
		switch {
		case oc.Mated && oc.Rank == 1: // the person is first, the best other second
			oc.Mate -= gap * math.Min(oc.First-oc.Mate, MaxGap)
		case !oc.Mated:
			oc.First -= gap * math.Min(oc.Second-oc.First, MaxGap)
		}
		out[i] = oc
	}
	return out
}

// halves splits outcomes into the fitting and the held-out half.
func (fu *Fuser) halves(all []Outcome) (fitMated, fitNon, testMated, testNon []Outcome) {
	for _, oc := range all {
		switch {
		case fu.fit[oc.Search] && oc.Mated:
			fitMated = append(fitMated, oc)
		case fu.fit[oc.Search]:
			fitNon = append(fitNon, oc)
		case oc.Mated:
			testMated = append(testMated, oc)
		default:
			testNon = append(testNon, oc)
		}
	}
	return
}

// rateResults sets thresholds on the fitting half and reads the held-out
// half (fit=false), or the fitting half itself (fit=true).
func (fu *Fuser) rateResults(all []Outcome, onFit bool) []FusionRate {
	fm, fn, tm, tn := fu.halves(all)
	th := rank1Scores(fn)
	if onFit {
		tm, tn = fm, fn
	}
	var out []FusionRate
	for _, r := range fu.Rates {
		t := ThresholdAt(th, r)
		out = append(out, FusionRate{FPIR: r, FNIR: FNIR(tm, t, 1), MeasuredFPIR: FPIR(tn, t)})
	}
	return out
}

// Measure runs a candidate: each variant on the fitting half, the best
// (lowest mean FNIR there) on the held-out half, beside the product.
func (fu *Fuser) Measure(c Candidate) (FusionResult, Variant) {
	res := FusionResult{Name: c.Name, About: c.About}
	best, bestV := math.Inf(1), c.Variants[0]
	runs := make([][][]Outcome, len(c.Variants))
	for vi, v := range c.Variants {
		sum := 0.0
		for k := range fu.Sizes {
			all := fu.outcomes(v, k)
			runs[vi] = append(runs[vi], all)
			for _, r := range fu.rateResults(all, true) {
				sum += r.FNIR
			}
		}
		res.Tried = append(res.Tried, fmt.Sprintf("%s: mean fitting-half FNIR %.3f", v.Params, sum/float64(len(fu.Sizes)*len(fu.Rates))))
		if sum < best {
			best, bestV = sum, v
		}
	}
	var chosen [][]Outcome
	for vi, v := range c.Variants {
		if v.Params == bestV.Params {
			chosen = runs[vi]
		}
	}
	res.Params = bestV.Params
	for k, sz := range fu.Sizes {
		base := fu.rateResults(fu.base[k], false)
		cand := fu.rateResults(chosen[k], false)
		_, _, tm, tn := fu.halves(chosen[k])
		fs := FusionSize{Individuals: sz.Individuals, Mated: len(tm), NonMated: len(tn)}
		for i := range base {
			fs.Rates = append(fs.Rates, FusionRate{FPIR: base[i].FPIR, ProductFNIR: base[i].FNIR, FNIR: cand[i].FNIR,
				ProductFPIR: base[i].MeasuredFPIR, MeasuredFPIR: cand[i].MeasuredFPIR})
		}
		res.Sizes = append(res.Sizes, fs)
	}
	return res, bestV
}

// LowersFNIR says whether a candidate lowers held-out FNIR: at every size,
// by at least a point on average over the rates, and by no more than
// noise worse (a point) at any rate.
func (r FusionResult) LowersFNIR() bool {
	for _, s := range r.Sizes {
		var gain float64
		for _, x := range s.Rates {
			gain += x.ProductFNIR - x.FNIR
			if x.FNIR > x.ProductFNIR+0.01 {
				return false
			}
		}
		if gain/float64(len(s.Rates)) < 0.01 {
			return false
		}
	}
	return true
}

// sortedQ is q over a sorted list of impostor scores.
func sortedQ(sorted []float64) qFunc {
	return func(d float64) (float64, float64) {
		n := sort.Search(len(sorted), func(i int) bool { return sorted[i] > d })
		return float64(n) / math.Max(1, float64(len(sorted))), float64(n)
	}
}
