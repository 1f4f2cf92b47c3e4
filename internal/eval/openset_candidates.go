package eval

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/facetriage/facetriage/internal/match"
)

// Candidates are the evidence-fusion methods measured, each with the
// settings tried. mu and sigma are the mean and spread of LFW's impostor
// distances, which put normalised scores back on the distance scale.
func Candidates(mu, sigma float64, seed int64) []Candidate {
	norm := func(k NormKind, top float64) Variant {
		p := "cohort 1,000 faces, all of it"
		if top > 0 {
			p = fmt.Sprintf("cohort 1,000 faces, its nearest %.0f %%", 100*top)
		}
		return Variant{Params: p, Scorer: Norm{Kind: k, Cohort: 1000, Top: top, Mu: mu, Sigma: sigma, Seed: seed}}
	}
	var near, gap []Variant
	for _, w := range []float64{0.05, 0.1} {
		for _, wt := range []float64{0.01, 0.02, 0.04} {
			near = append(near, Variant{Params: fmt.Sprintf("within %.2f, %.2f nearer per face, at most 3", w, wt),
				Scorer: NearFaces{Within: w, Weight: wt, Max: 3}})
		}
	}
	for _, g := range []float64{0.25, 0.5, 1} {
		gap = append(gap, Variant{Params: fmt.Sprintf("%.2f × the lead, at most %.1f", g, MaxGap), Scorer: NearestFace{}, Gap: g})
	}
	return []Candidate{
		{Name: "Z-norm (the reference against the archive)",
			About:    "d' = μ + σ·(d − μ_r)/σ_r, with μ_r and σ_r the mean and spread of the reference's distances to a random cohort of the archive's faces (or of its nearest K): a reference near to everyone is discounted.",
			Variants: []Variant{norm(NormZ, 0), norm(NormZ, 0.02), norm(NormZ, 0.05), norm(NormZ, 0.2)}},
		{Name: "T-norm (each archive face against the archive)",
			About:    "d' = μ + σ·(d − μ_f)/σ_f, with μ_f and σ_f the mean and spread of the archive face's distances to the cohort (other individuals' faces), cached per face.",
			Variants: []Variant{norm(NormT, 0), norm(NormT, 0.02), norm(NormT, 0.05), norm(NormT, 0.2)}},
		{Name: "S-norm (both, averaged; adaptive with the nearest K)",
			About:    "d' = μ + σ·(z_r + z_f)/2, the Z- and T-normalised scores averaged; the adaptive form takes each side's statistics over its K nearest cohort faces.",
			Variants: []Variant{norm(NormS, 0), norm(NormS, 0.02), norm(NormS, 0.05), norm(NormS, 0.2)}},
		{Name: "Several near faces of one individual",
			About:    "An individual's nearest distance, made nearer for each other face of it that lies close behind the nearest one.",
			Variants: near},
		{Name: "The rank-1/rank-2 gap",
			About:    "The first individual's distance made nearer by a share of its lead over the second (rank 1 only: FNIR here counts the person found first).",
			Variants: gap},
	}
}

// normQ measures q on a normaliser's scale, from the impostor scores of
// every search against all of a layout's individuals.
func normQ(o *OpenSet, nm Norm) qFunc {
	d := o.DrawGallery(o.Individuals(), nil)
	scores := nm.impostorScores(o, d)
	sort.Float64s(scores)
	return sortedQ(scores)
}

// measureFusion measures every candidate, and returns the kept
// normaliser with the lowest held-out FNIR (nil when none is kept).
func (rep *OpenSetReport) measureFusion(ctx context.Context, cfg OpenSetConfig, o *OpenSet, pops []Population) ([]FusionResult, *Norm, string) {
	mu, sigma := rep.Impostors.meanSd()
	rates := []float64{cfg.Rates.Strong, cfg.Rates.Possible, cfg.Rates.Weak}
	fu := NewFuser(o, cfg.FusionSizes, rates, cfg.Seed)
	words := Words(cfg.Rates)
	var out []FusionResult
	var best *Norm
	var bestName string
	bestFNIR := math.Inf(1)
	// The product's distance, with its q measured the same way as the
	// normalisers' (every search against every face of another
	// individual), for the populations.
	rawModel, rawErr := BuildModel(searchQ(o), DefaultModelSpec)
	for _, c := range Candidates(mu, sigma, cfg.Seed) {
		if ctx.Err() != nil {
			return out, nil, ""
		}
		res, v := fu.Measure(c)
		if nm, ok := v.Scorer.(Norm); ok && rawErr == nil {
			if m, err := BuildModel(normQ(o, nm), DefaultModelSpec); err == nil {
				small := nm
				small.WithoutPerson = true
				for _, p := range pops {
					res.Populations = append(res.Populations, FusionPopulation{Name: p.Name,
						Product: checkPopulationWords(p.Photos, rawModel, words, NearestFace{}),
						Method:  checkPopulationWords(p.Photos, m, words, small)})
				}
			}
		}
		res.Kept, res.Verdict = fusionVerdict(res)
		if nm, ok := v.Scorer.(Norm); ok && res.Kept {
			if f := res.meanFNIR(); f < bestFNIR {
				best, bestName, bestFNIR = &nm, c.Name+", "+v.Params, f
			}
		}
		out = append(out, res)
	}
	return out, best, bestName
}

// meanFNIR is the candidate's mean held-out FNIR over sizes and rates.
func (r FusionResult) meanFNIR() float64 {
	var s float64
	var n int
	for _, z := range r.Sizes {
		for _, x := range z.Rates {
			s += x.FNIR
			n++
		}
	}
	return s / math.Max(1, float64(n))
}

// searchQ is q of the product's distance measured over every search
// against every face of another individual (all of the layout).
func searchQ(o *OpenSet) qFunc {
	var ds []float64
	for s := range o.Searches() {
		for f, v := range o.dist[s] {
			if o.FaceOf[f] != o.SearchOf[s] && !math.IsInf(float64(v), 1) {
				ds = append(ds, float64(v))
			}
		}
	}
	sort.Float64s(ds)
	return sortedQ(ds)
}

// fusionVerdict keeps a candidate that lowers held-out FNIR on LFW and
// does not make any word less true on another population.
func fusionVerdict(r FusionResult) (bool, string) {
	if !r.LowersFNIR() {
		return false, "not kept: it does not lower FNIR at a fixed FPIR on held-out LFW identities by a point or more at every size"
	}
	for _, p := range r.Populations {
		for i := range p.Method {
			m, b := p.Method[i], p.Product[i]
			if m.FPIR > b.FPIR+1/math.Max(1, float64(m.Searches)) {
				return false, fmt.Sprintf("not kept: it lowers FNIR on LFW but makes %q less true on %s (FPIR %.3f against %.3f)", m.Name, p.Name, m.FPIR, b.FPIR)
			}
			if b.Verdict != Fails && m.FNIR > b.FNIR+0.1 {
				return false, fmt.Sprintf("not kept: it lowers FNIR on LFW but on %s it misses far more people at %q (FNIR %s against %s) where the product's word holds", p.Name, m.Name, pct(m.FNIR), pct(b.FNIR))
			}
		}
	}
	return true, "kept: it lowers FNIR at a fixed FPIR on held-out LFW identities; on the other populations no word is less true, and none misses more than 10 points more people where the product's word holds"
}

// meanSd is the mean and spread of the impostor distances.
func (im *Impostors) meanSd() (float64, float64) {
	var n, s, ss float64
	for k, c := range im.Counts {
		x := (float64(k) + 0.5) * im.Bin
		n += float64(c)
		s += float64(c) * x
		ss += float64(c) * x * x
	}
	mu := s / n
	return mu, math.Sqrt(ss/n - mu*mu)
}

// TwoReferences measures a case with two reference photos (nearest to
// either) against one, with the model at M faces and at 2·M.
type TwoReferences struct {
	Identities int     `json:"identities"`
	Faces      int     `json:"faces"`
	One        []Check `json:"one_reference"`
	// Two is read with the model at M; TwoAt2M with the model at 2·M
	// (each reference one search of the archive).
	Two     []Check `json:"two_references"`
	TwoAt2M []Check `json:"two_references_model_at_2m"`
}

func measureTwoReferences(sp Split, probes, archive []Faces, m match.Model, cfg OpenSetConfig) *TwoReferences {
	samples := append(append([]Sample{}, sp.Probes...), sp.Archive...)
	faces := append(append([]Faces{}, probes...), archive...)
	byPath := map[string]Faces{}
	for i, s := range samples {
		byPath[s.Path] = faces[i]
	}
	refs, fs := FusionSplit(samples, 0)
	var photos []Photo
	var gallery []bool
	var one, two []SearchSpec
	for _, r := range refs {
		one = append(one, SearchSpec{len(photos)})
		two = append(two, SearchSpec{len(photos), len(photos) + 1})
		photos = append(photos, Photo{Sample: r[0], Descriptors: byPath[r[0].Path].Descriptors}, Photo{Sample: r[1], Descriptors: byPath[r[1].Path].Descriptors})
		gallery = append(gallery, false, false)
	}
	for _, s := range fs.Archive {
		photos = append(photos, Photo{Sample: s, Descriptors: byPath[s.Path].Descriptors})
		gallery = append(gallery, true)
	}
	photos = MainFaces(photos)
	rates := []float64{cfg.Rates.Strong, cfg.Rates.Possible, cfg.Rates.Weak}
	run := func(specs []SearchSpec) SizeResult {
		o := NewOpenSet(photos, gallery, specs)
		return o.EvaluateSizes([]SizeSpec{{0, 1}}, rates, cfg.Shortlist, cfg.Seed, NearestFace{})[0]
	}
	r1, r2 := run(one), run(two)
	tr := &TwoReferences{Identities: len(refs), Faces: int(math.Round(r1.NonMatedFaces)),
		One: CheckModel(m, r1, cfg.Shortlist), Two: CheckModel(m, r2, cfg.Shortlist)}
	doubled := r2
	doubled.NonMatedFaces *= 2 // the model's distance column, read at 2·M too
	doubled.non = make([]Outcome, len(r2.non))
	for i, oc := range r2.non {
		oc.Faces *= 2
		doubled.non[i] = oc
	}
	doubled.mated = make([]Outcome, len(r2.mated))
	for i, oc := range r2.mated {
		oc.Faces *= 2
		doubled.mated[i] = oc
	}
	tr.TwoAt2M = CheckModel(m, doubled, cfg.Shortlist)
	return tr
}
