package eval

import (
	"math/rand"
	"slices"

	"github.com/facetriage/facetriage/internal/match"
)

// NormalisedModel is a kept normalisation measured as the product would
// use it: each candidate re-scored by the normalised score of its nearest
// face, and the words read from a model of q over normalised scores.
type NormalisedModel struct {
	Name string `json:"name"`
	// Norm: the normaliser's kind, cohort, share and constants.
	Norm Norm `json:"norm"`
	// PairModel: q over the normalised scores of every LFW search against
	// every face of another person, and PairKappa the factor it would need
	// to hold on the fitting sizes (shown, not used: a pair model does not
	// describe this score's searches). Model: the rank-one model, fitted
	// on the non-mated searches of FitSizes (Fit), checked on the others.
	PairModel match.Model  `json:"pair_model"`
	PairKappa float64      `json:"pair_kappa"`
	FitSizes  []int        `json:"fit_sizes"`
	Fit       RankOneFit   `json:"fit"`
	Model     match.Model  `json:"model"`
	Sizes     []SizeResult `json:"sizes"`
	Checks    [][]Check    `json:"checks"`
	// Populations: the words on each other set, the set's own faces as
	// the cohort.
	Populations []PopulationWords `json:"populations"`
	// Words: where each word starts, on the normalised scale.
	Words []WordDistances `json:"word_distances"`
	// InArchive: every other set inside an LFW archive, both scales.
	InArchive []PopulationInArchive `json:"populations_in_archive"`
}

// PopulationWords is one set's words under a model.
type PopulationWords struct {
	Name  string      `json:"name"`
	Words []WordCheck `json:"words"`
}

// measureNormalised measures a normaliser as the product's score.
func (rep *OpenSetReport) measureNormalised(cfg OpenSetConfig, o *OpenSet, name string, nm Norm, pops []Population) (*NormalisedModel, error) {
	nm.NearestOnly = true
	out := &NormalisedModel{Name: name, Norm: nm}
	var err error
	if out.PairModel, err = BuildModel(normQ(o, nm), DefaultModelSpec); err != nil {
		return nil, err
	}
	rates := []float64{cfg.Rates.Strong, cfg.Rates.Possible, cfg.Rates.Weak}
	out.Sizes = o.EvaluateSizes(cfg.Sizes, rates, cfg.Shortlist, cfg.Seed, nm)
	var fit []SizeResult
	out.FitSizes = cfg.NormFitSizes
	for _, r := range out.Sizes {
		if slices.Contains(cfg.NormFitSizes, r.Individuals) {
			fit = append(fit, r)
		}
	}
	out.PairKappa = FitKappa(out.PairModel, fit)
	if out.Fit, err = fitRankOne(fit); err != nil {
		return nil, err
	}
	out.Model = out.Fit.Model()
	boots := bootstrapRankOne(fit, cfg.Bootstrap, cfg.Seed)
	for _, r := range out.Sizes {
		out.Checks = append(out.Checks, CheckModel(out.Model, r, cfg.Shortlist))
	}
	words := Words(cfg.Rates)
	small := nm
	small.WithoutPerson = true
	for _, p := range pops {
		out.Populations = append(out.Populations, PopulationWords{Name: p.Name, Words: checkPopulationWords(p.Photos, out.Model, words, small)})
	}
	for _, m := range cfg.WordFaces {
		out.Words = append(out.Words, wordDistances(out.Model, boots, rates, m))
	}
	return out, nil
}

// PopulationInArchive is one set's words when its photos lie inside an
// LFW archive, as a small group does in a real archive: each of the set's
// photos searched (leave-one-out) against the rest of the set and the LFW
// photos, by the distance and by the normalised score, whose cohort is
// then mostly LFW faces.
type PopulationInArchive struct {
	Name        string      `json:"name"`
	Distractors int         `json:"lfw_photos"`
	Faces       int         `json:"faces"`
	Distance    []WordCheck `json:"distance_words"`
	Normalised  []WordCheck `json:"normalised_words"`
}

// InArchiveDistractors is how many LFW photos a set is searched among,
// as in the test that holds the words to the go-face photos.
const InArchiveDistractors = 2000

// populationsInArchive checks every set inside InArchiveDistractors LFW
// photos drawn at random (seeded), with the raw model the product reads
// and the normalised one.
func populationsInArchive(pops []Population, lfw []Photo, raw FPIRModel, nm *NormalisedModel, words []Word, seed int64) []PopulationInArchive {
	var pool []Photo
	for _, p := range lfw {
		if len(p.Descriptors) > 0 {
			pool = append(pool, p)
		}
	}
	rng := rand.New(rand.NewSource(seed + 11))
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	pool = pool[:min(len(pool), InArchiveDistractors)]
	norm := nm.Norm
	norm.NearestOnly = true
	var out []PopulationInArchive
	for _, p := range pops {
		o := leaveOneOut(MainFaces(append(append([]Photo{}, p.Photos...), pool...)), len(p.Photos))
		d := o.DrawGallery(o.Individuals(), nil)
		r := PopulationInArchive{Name: p.Name, Distractors: len(pool), Faces: len(o.Faces)}
		mated, non := splitOutcomes(o.Outcomes(d, NearestFace{}))
		r.Distance = CheckWords(raw, words, mated, non)
		mated, non = splitOutcomes(o.Outcomes(d, norm))
		r.Normalised = CheckWords(nm.Model, words, mated, non)
		out = append(out, r)
	}
	return out
}
