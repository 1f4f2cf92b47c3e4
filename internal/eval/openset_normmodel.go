package eval

import (
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
