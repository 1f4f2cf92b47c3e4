package match

import (
	"encoding/json"
	"testing"
)

// A garbled or hostile thresholds file must be refused, not read into
// wrong words. Parse checks the normalised entry's cohort, share, sigma > 0,
// min_faces and points, but not a model's exponent (β in M^β: negative is
// silently read as 1, tiny makes every search one chance, huge makes every
// FPIR 1), on the raw model too, nor an absurd sigma.
func TestParseRefusesAHostileExponentOrSigma(t *testing.T) {
	good := Default()
	const faces, people = 700000, 100000
	score := good.Normalised.Model.Distance(good.Rates.Weak, faces) + 0.2 // unlikely in the shipped file
	dist := good.Model.Distance(good.Rates.Weak, faces) + 0.1             // unlikely in the shipped file
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(thresholdsJSON, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	normModel := func(m map[string]any) map[string]any {
		return m["normalised"].(map[string]any)["model"].(map[string]any)
	}
	for _, tc := range []struct {
		name string
		file []byte
		word func(Thresholds) Strength
	}{
		{"normalised exponent -2", edit(func(m map[string]any) { normModel(m)["exponent"] = -2.0 }),
			func(th Thresholds) Strength { return th.AssessScore(score, faces, people).Strength }},
		{"normalised exponent 1e-6", edit(func(m map[string]any) { normModel(m)["exponent"] = 1e-6 }),
			func(th Thresholds) Strength { return th.AssessScore(score, faces, people).Strength }},
		{"normalised exponent 1000", edit(func(m map[string]any) { normModel(m)["exponent"] = 1000.0 }),
			func(th Thresholds) Strength { return th.AssessScore(-0.9, faces, people).Strength }},
		{"raw model exponent 0.01", edit(func(m map[string]any) { m["model"].(map[string]any)["exponent"] = 0.01 }),
			func(th Thresholds) Strength { return th.Assess(dist, faces, people).Strength }},
		{"normalised sigma 1e6", edit(func(m map[string]any) { m["normalised"].(map[string]any)["sigma"] = 1e6 }),
			func(th Thresholds) Strength { return "" }},
	} {
		th, err := Parse(tc.file)
		if err == nil {
			t.Errorf("%s: accepted; the word it gives: %q (shipped file: %q)", tc.name, tc.word(th), tc.word(good))
		}
	}
}

// Distance promises the largest score at which FPIR is at most the rate;
// its bisection now starts at -1, and the normalised model's strong
// threshold passes -1 near 7 million faces: Distance then returns -1,
// where FPIR is above the rate.
func TestDistanceHoldsItsRateBelowMinusOne(t *testing.T) {
	th := Default()
	for _, faces := range []int{5000000, 10000000, 50000000} {
		d := th.Normalised.Model.Distance(th.Rates.Strong, faces)
		if f := th.Normalised.Model.FPIR(d, faces); f > th.Rates.Strong*(1+1e-9) {
			t.Errorf("%d faces: Distance(strong) = %.3f, where FPIR is %.3g > %.3g", faces, d, f, th.Rates.Strong)
		}
	}
}
