package eval

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand"
	"sort"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/match"
)

// OpenSetConfig says what `eval --open-set` measures.
type OpenSetConfig struct {
	// Sizes of the galleries (individuals; 0: all) and their draws.
	Sizes []SizeSpec
	// FitSizes are the sizes (individuals) the calibrated variant is
	// fitted on; it is checked on the others.
	FitSizes []int
	// NormFitSizes are the sizes the normalised score's rank-one model is
	// fitted on: sizes whose archive holds at least a whole cohort, as the
	// product normalises only from there.
	NormFitSizes []int
	// Rates are the FPIRs reported (the words' rates).
	Rates match.Rates
	// Shortlist is how many individuals a search shows.
	Shortlist int
	// Bootstrap is the number of resamplings of identities.
	Bootstrap int
	// WordFaces are the archive sizes (faces) the words' distances are
	// given for; Extrapolate the sizes (individuals) the model is
	// extrapolated to, at FacesPerIndividual faces each.
	WordFaces          []int
	Extrapolate        []int
	FacesPerIndividual float64
	// FusionSizes are the gallery sizes the fusion candidates are
	// measured on.
	FusionSizes []SizeSpec
	// Mislabelled: two identities' photos whose main faces lie nearer
	// than this are taken for one person under two names, and left out.
	Mislabelled float64
	// NormalisedOnly: the run writes only the normalised model (the
	// report says so).
	NormalisedOnly bool
	Seed           int64
	Progress       io.Writer
}

// DefaultOpenSetConfig is what the report uses.
func DefaultOpenSetConfig(r match.Rates) OpenSetConfig {
	return OpenSetConfig{
		Sizes:    []SizeSpec{{100, 50}, {1000, 10}, {2000, 5}, {5000, 5}, {0, 1}},
		FitSizes: []int{100, 1000}, NormFitSizes: []int{1000, 2000}, Rates: r, Shortlist: 20, Bootstrap: 200,
		WordFaces: []int{1000, 4500, 70000, 700000}, Extrapolate: []int{10000, 100000}, FacesPerIndividual: 7,
		FusionSizes: []SizeSpec{{1000, 10}, {0, 1}}, Mislabelled: 0.2, Seed: 1,
	}
}

// Population is a labelled set checked on its own.
type Population struct {
	Name   string
	About  string
	Photos []Photo
}

// OpenSetReport is everything the open-set evaluation measured.
type OpenSetReport struct {
	Meta    Meta          `json:"meta"`
	Config  OpenSetConfig `json:"config"`
	ModelID string        `json:"model_id"`
	// Mislabelled pairs of photos left out.
	Mislabelled []Mislabelled `json:"mislabelled"`
	// Layout of the LFW searches.
	Searches    int `json:"searches"`
	NoFace      int `json:"searches_without_face"`
	Individuals int `json:"individuals"`
	Faces       int `json:"gallery_faces"`
	// Impostors is q(d) measured; QTable reads it at a few distances.
	Impostors *Impostors   `json:"impostor_pairs"`
	QTable    [][3]float64 `json:"q_table"`
	// PairModel is the model drawn from q; Calibrated the same scaled by
	// Kappa, fitted on FitSizes; Model is the one chosen and written.
	PairModel  match.Model `json:"pair_model"`
	Kappa      float64     `json:"kappa"`
	Calibrated match.Model `json:"calibrated_model"`
	// Heterogeneous: the model with searches that differ (shape K), its
	// q scaled by HetKappa, both fitted on FitSizes.
	Heterogeneous Heterogeneous `json:"heterogeneous_model"`
	HetKappa      float64       `json:"heterogeneous_kappa"`
	Model         match.Model   `json:"model"`
	ModelName     string        `json:"model_name"`
	Choice        []string      `json:"choice"`
	Sizes         []SizeResult  `json:"sizes"`
	// Checks[k] checks each model on Sizes[k].
	PairChecks       [][]Check `json:"pair_model_checks"`
	CalibratedChecks [][]Check `json:"calibrated_model_checks"`
	HetChecks        [][]Check `json:"heterogeneous_model_checks"`
	ChosenChecks     [][]Check `json:"chosen_model_checks"`
	// Words: the distance at which each word starts, per archive size,
	// with its bootstrap interval.
	Words []WordDistances `json:"word_distances"`
	// Extrapolation to larger archives.
	Extrapolation []Extrapolation    `json:"extrapolation"`
	Populations   []PopulationResult `json:"populations"`
	Fusion        []FusionResult     `json:"fusion"`
	TwoReferences *TwoReferences     `json:"two_references,omitempty"`
	// Normalised is the kept normaliser measured as the product's score
	// (nil when none is kept).
	Normalised *NormalisedModel `json:"normalised,omitempty"`

	// shift and scale are how the chosen model is drawn from q.
	shift, scale float64
}

// chooseModel picks the model the product reads: q from all pairs,
// scaled by κ when the fitting sizes ask for more caution (never
// relaxed), and says why, with what the alternatives would cost.
func (rep *OpenSetReport) chooseModel() {
	rep.scale = math.Max(1, rep.Kappa)
	rep.Model = ScaleModel(rep.PairModel, rep.scale)
	last := len(rep.Sizes) - 1
	if rep.scale == 1 {
		rep.ModelName = "q from all pairs, unscaled"
		rep.Choice = append(rep.Choice, fmt.Sprintf("The model is q measured on all pairs, as it is: on the fitting sizes it needs no more caution (κ fitted %.3g ≤ 1; a κ under 1 would relax it within noise, and the model is never relaxed).", rep.Kappa))
	} else {
		rep.ModelName = fmt.Sprintf("q from all pairs, scaled by κ = %.3g", rep.scale)
		rep.Choice = append(rep.Choice, fmt.Sprintf("The model is q measured on all pairs scaled by κ = %.3g, the smallest factor that makes every rate hold on the fitting sizes %v.", rep.scale, rep.Config.FitSizes))
	}
	var held []string
	for _, r := range rep.Sizes {
		if rep.fittedOn(r.Individuals) {
			continue
		}
		for i, c := range CheckModel(rep.Model, r, rep.Config.Shortlist) {
			held = append(held, fmt.Sprintf("N = %s, %s: %s measured (%d of %d)", sizeName(r.Individuals), Words(rep.Config.Rates)[i].Name, pct(c.Measured), c.Count, r.NonMated))
		}
	}
	rep.Choice = append(rep.Choice, "Held-out sizes, measured FPIR at the model's distance: "+strings.Join(held, "; ")+".")
	if h := rep.HetChecks; len(h) > 0 {
		a, b := CheckModel(rep.Model, rep.Sizes[last], rep.Config.Shortlist), h[last]
		rep.Choice = append(rep.Choice, fmt.Sprintf("The model counts every face as an independent chance, and searches as alike; LFW's searches are not alike (a few references lie near many faces), so the model grows too cautious as M·q grows: at all of LFW, \"weak\" (10 %%) is measured at %s. The heterogeneous model (K = %.3g) would bring FNIR at \"weak\" from %s to %s there (measured FPIR %s), but the product's model has no shape parameter: proposed, not written.",
			pct(a[2].Measured), rep.Heterogeneous.K, pct(a[2].FNIR), pct(b[2].FNIR), pct(b[2].Measured)))
	}
	if nm := rep.Normalised; nm != nil {
		a, b := CheckModel(rep.Model, rep.Sizes[last], rep.Config.Shortlist), nm.Checks[last]
		rep.Choice = append(rep.Choice, fmt.Sprintf("The normalised score (%s) would bring FNIR at all of LFW from %s, %s and %s to %s, %s and %s at strong, possible and weak (measured FPIR %s, %s, %s). Its model is fitted on the searches of sizes %v and written to the thresholds file (\"normalised\"): the product reads it from archives of %s faces up, and the raw words below.",
			nm.Name, pct(a[0].FNIR), pct(a[1].FNIR), pct(a[2].FNIR), pct(b[0].FNIR), pct(b[1].FNIR), pct(b[2].FNIR), pct(b[0].Measured), pct(b[1].Measured), pct(b[2].Measured), nm.FitSizes, match.Thousands(nm.Norm.Cohort)))
	}
	// Populations whose words do not hold, and what a shift would cost.
	var failing []string
	shift := 0.0
	for _, p := range rep.Populations[1:] {
		for _, w := range p.Words {
			if w.Verdict == Fails {
				failing = append(failing, fmt.Sprintf("%s on %s (%d of %d)", w.Name, p.Name, w.FalsePositives, w.Searches))
				shift = math.Max(shift, p.Shift)
			}
		}
	}
	if len(failing) == 0 {
		rep.Choice = append(rep.Choice, "On every other population the words hold, or the set is too small to measure their rate.")
		return
	}
	spec := DefaultModelSpec
	spec.Shift = shift
	cost := ""
	if m, err := BuildModel(rep.Impostors.qFunc(), spec); err == nil {
		c := CheckModel(ScaleModel(m, rep.scale), rep.Sizes[last], rep.Config.Shortlist)
		a := CheckModel(rep.Model, rep.Sizes[last], rep.Config.Shortlist)
		cost = fmt.Sprintf(" A model shifted %.3f nearer (the largest of those sets' shifts) would make them hold there, but at all of LFW its FNIR would be %s, %s and %s at strong, possible and weak (against %s, %s and %s): the words would stop finding anyone.",
			shift, pct(c[0].FNIR), pct(c[1].FNIR), pct(c[2].FNIR), pct(a[0].FNIR), pct(a[1].FNIR), pct(a[2].FNIR))
	}
	rep.Choice = append(rep.Choice, "Words that do not hold on another population: "+strings.Join(failing, "; ")+"."+cost+
		" The shift is not adopted; the report and the README say where the words do not hold.")
}

// WordDistances are the words' distances at one archive size.
type WordDistances struct {
	Faces int `json:"faces"`
	// Distance[w] for each word (strong, possible, weak), and its 90 %
	// bootstrap interval over identities.
	Distance []float64    `json:"distance"`
	CI90     [][2]float64 `json:"ci90"`
}

// Extrapolation is the model at an archive larger than LFW.
type Extrapolation struct {
	Individuals int `json:"individuals"`
	Faces       int `json:"faces"`
	// MedianRank1 is the model's median rank-1 distance of a non-mated
	// search, with its 90 % bootstrap interval.
	MedianRank1   float64    `json:"median_rank1"`
	MedianRank1CI [2]float64 `json:"median_rank1_ci90"`
	WordDistances
}

// RunOpenSet runs the open-set evaluation on the LFW split (probes and
// archive as embedded by the product) and the other populations.
func RunOpenSet(ctx context.Context, cfg OpenSetConfig, sp Split, probes, archive []Faces, pops []Population) (*OpenSetReport, error) {
	rep := &OpenSetReport{Config: cfg}
	logf := func(format string, a ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "eval: open set: "+format+"\n", a...)
		}
	}
	start := time.Now()
	all := MainFaces(append(Photos(sp.Probes, probes), Photos(sp.Archive, archive)...))
	all, rep.Mislabelled = DropMislabelled(all, cfg.Mislabelled)
	sp, probes, archive = keepOnly(all, sp, probes, archive)
	o := FamilyOpenSet(sp, probes, archive, true)
	rep.Searches, rep.NoFace, rep.Individuals, rep.Faces = o.Searches(), o.NoFace, o.Individuals(), len(o.Faces)
	logf("%d searches, %d individuals, %d faces (%s)", o.Searches(), o.Individuals(), len(o.Faces), time.Since(start).Round(time.Second))

	rep.Impostors = MeasureImpostors(all, 0.001, 0.65)
	for _, d := range []float64{0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9} {
		rep.QTable = append(rep.QTable, [3]float64{d, rep.Impostors.Q(d), float64(rep.Impostors.Count(d))})
	}
	logf("%d impostor pairs (%s)", rep.Impostors.Pairs, time.Since(start).Round(time.Second))
	var err error
	if rep.PairModel, err = BuildModel(rep.Impostors.qFunc(), DefaultModelSpec); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	rates := []float64{cfg.Rates.Strong, cfg.Rates.Possible, cfg.Rates.Weak}
	rep.Sizes = o.EvaluateSizes(cfg.Sizes, rates, cfg.Shortlist, cfg.Seed, NearestFace{})
	logf("sizes measured (%s)", time.Since(start).Round(time.Second))
	var fitRes []SizeResult
	for _, r := range rep.Sizes {
		rep.PairChecks = append(rep.PairChecks, CheckModel(rep.PairModel, r, cfg.Shortlist))
		for _, f := range cfg.FitSizes {
			if r.Individuals == f {
				fitRes = append(fitRes, r)
			}
		}
	}
	rep.Kappa = FitKappa(rep.PairModel, fitRes)
	rep.Calibrated = ScaleModel(rep.PairModel, rep.Kappa)
	k, kappa := FitHeterogeneous(rep.PairModel, fitRes)
	rep.Heterogeneous = Heterogeneous{Model: ScaleModel(rep.PairModel, kappa), K: k}
	rep.HetKappa = kappa
	for _, r := range rep.Sizes {
		rep.CalibratedChecks = append(rep.CalibratedChecks, CheckModel(rep.Calibrated, r, cfg.Shortlist))
		rep.HetChecks = append(rep.HetChecks, CheckModel(rep.Heterogeneous, r, cfg.Shortlist))
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	// Evidence fusion, and the kept normaliser as the product's score.
	var norm *Norm
	var normName string
	rep.Fusion, norm, normName = rep.measureFusion(ctx, cfg, o, pops)
	logf("fusion measured (%s)", time.Since(start).Round(time.Second))
	if norm != nil && ctx.Err() == nil {
		if rep.Normalised, err = rep.measureNormalised(cfg, o, normName, *norm, pops); err != nil {
			return nil, err
		}
		logf("normalised model measured (%s)", time.Since(start).Round(time.Second))
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	// Populations: each set on its own, then the model chosen and the
	// words checked with it everywhere.
	lfwPop := PopulationResult{Name: "LFW", About: "the open-set layout at all of LFW (first photo of each person searched)",
		Photos: len(all), Identities: o.Individuals(), Faces: len(o.Faces), Pairs: rep.Impostors.Pairs}
	for _, x := range QDistances {
		lfwPop.Q = append(lfwPop.Q, [2]float64{x, rep.Impostors.Q(x)})
	}
	rep.Populations = append(rep.Populations, lfwPop)
	for _, p := range pops {
		pr := CheckPopulation(p.Name, p.Photos, rep.Calibrated, words(cfg), rep.Impostors, NearestFace{})
		pr.About = p.About
		rep.Populations = append(rep.Populations, pr)
	}
	rep.chooseModel()
	for _, r := range rep.Sizes {
		rep.ChosenChecks = append(rep.ChosenChecks, CheckModel(rep.Model, r, cfg.Shortlist))
	}
	last := rep.Sizes[len(rep.Sizes)-1]
	rep.Populations[0].Words = CheckWords(rep.Model, words(cfg), last.mated, last.non)
	for i, p := range pops {
		rep.Populations[i+1].Words = checkPopulationWords(p.Photos, rep.Model, words(cfg), NearestFace{})
	}
	if rep.Normalised != nil {
		// The words the product reads by distance: the shipped ones when
		// this run writes only the normalised model, else this run's.
		var raw FPIRModel = rep.Model
		if cfg.NormalisedOnly {
			raw = match.Default().Model
		}
		rep.Normalised.InArchive = populationsInArchive(pops, all, raw, rep.Normalised, words(cfg), cfg.Seed)
	}
	logf("populations checked (%s)", time.Since(start).Round(time.Second))

	// Bootstrap over identities: the words' distances and the
	// extrapolation.
	boots := rep.bootstrap(cfg, rep.ModelSpec())
	logf("bootstrap done (%s)", time.Since(start).Round(time.Second))
	for _, m := range cfg.WordFaces {
		rep.Words = append(rep.Words, wordDistances(rep.Model, boots, rates, m))
	}
	for _, n := range cfg.Extrapolate {
		m := int(float64(n) * cfg.FacesPerIndividual)
		e := Extrapolation{Individuals: n, Faces: m, MedianRank1: rep.Model.Distance(0.5, m), WordDistances: wordDistances(rep.Model, boots, rates, m)}
		var meds []float64
		for _, b := range boots {
			meds = append(meds, b.Distance(0.5, m))
		}
		sort.Float64s(meds)
		e.MedianRank1CI = [2]float64{quantile(meds, 0.05), quantile(meds, 0.95)}
		rep.Extrapolation = append(rep.Extrapolation, e)
	}
	rep.TwoReferences = measureTwoReferences(sp, probes, archive, rep.Model, cfg)
	return rep, ctx.Err()
}

func words(cfg OpenSetConfig) []Word { return Words(cfg.Rates) }

// keepOnly keeps the split's photos that are among photos.
func keepOnly(photos []Photo, sp Split, probes, archive []Faces) (Split, []Faces, []Faces) {
	kept := map[string]bool{}
	for _, p := range photos {
		kept[p.Path] = true
	}
	var out Split
	var ps, as []Faces
	for i, s := range sp.Probes {
		if kept[s.Path] {
			out.Probes, ps = append(out.Probes, s), append(ps, probes[i])
		}
	}
	for i, s := range sp.Archive {
		if kept[s.Path] {
			out.Archive, as = append(out.Archive, s), append(as, archive[i])
		}
	}
	out.Distractors = sp.Distractors
	return out, ps, as
}

// checkPopulationWords checks the words on a set laid out leave-one-out.
func checkPopulationWords(photos []Photo, m FPIRModel, words []Word, sc Scorer) []WordCheck {
	o := LeaveOneOutOpenSet(MainFaces(photos))
	mated, non := splitOutcomes(o.Outcomes(o.DrawGallery(o.Individuals(), nil), sc))
	return CheckWords(m, words, mated, non)
}

// ModelSpec is the spec of the chosen model (its shift).
func (rep *OpenSetReport) ModelSpec() ModelSpec {
	spec := DefaultModelSpec
	spec.Shift = rep.shift
	return spec
}

// bootstrap draws models from identities resampled with replacement,
// each drawn and scaled as the chosen one is.
func (rep *OpenSetReport) bootstrap(cfg OpenSetConfig, spec ModelSpec) []match.Model {
	rng := rand.New(rand.NewSource(cfg.Seed + 7))
	var out []match.Model
	full := rep.Impostors.qFunc()
	for range cfg.Bootstrap {
		q := withTail(rep.Impostors.Resampled(rng), full, rep.Impostors.TailMax)
		m, err := BuildModel(q, spec)
		if err != nil {
			continue // a resample whose tail cannot be fitted: left out
		}
		out = append(out, ScaleModel(m, rep.scale))
	}
	return out
}

func wordDistances(m match.Model, boots []match.Model, rates []float64, faces int) WordDistances {
	w := WordDistances{Faces: faces}
	for _, r := range rates {
		w.Distance = append(w.Distance, m.Distance(r, faces))
		var ds []float64
		for _, b := range boots {
			ds = append(ds, b.Distance(r, faces))
		}
		sort.Float64s(ds)
		w.CI90 = append(w.CI90, [2]float64{quantile(ds, 0.05), quantile(ds, 0.95)})
	}
	return w
}

// FitKappa is the factor on q that makes the model conservative at every
// rate on the given sizes: the largest, over sizes and rates, of the q
// the measured threshold needs over the q the model gives there.
func FitKappa(m match.Model, sizes []SizeResult) float64 {
	kappa := 0.0
	for _, r := range sizes {
		for _, rr := range r.Rates {
			need := -math.Expm1(math.Log1p(-rr.FPIR) / math.Max(1, r.NonMatedFaces))
			if q := m.Q(rr.Threshold); q > 0 {
				kappa = math.Max(kappa, need/q)
			}
		}
	}
	if kappa == 0 {
		return 1
	}
	return sigUp(kappa, 3)
}

// sigUp rounds x up to n significant digits.
func sigUp(x float64, n int) float64 {
	e := math.Floor(math.Log10(math.Abs(x)))
	p := math.Pow(10, float64(n-1)-e)
	return math.Ceil(x*p) / p
}

// ScaleModel multiplies q by k (at most 1).
func ScaleModel(m match.Model, k float64) match.Model {
	if k == 1 || k == 0 {
		return m
	}
	out := match.Model{Tail: m.Tail}
	out.Tail.A += math.Log(k)
	for _, p := range m.Points {
		out.Points = append(out.Points, [2]float64{p[0], math.Min(1, sig(p[1]*k, 4))})
	}
	// q reaches 1 once: drop the points after the first at 1.
	for i, p := range out.Points {
		if p[1] >= 1 {
			out.Points = out.Points[:i+1]
			break
		}
	}
	return out
}
