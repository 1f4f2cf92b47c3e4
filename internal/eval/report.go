package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/facetriage/facetriage/internal/match"
)

// Report is everything a run measured; Write saves it as results.json and
// report.md.
type Report struct {
	Meta        Meta             `json:"meta"`
	Conditions  []Condition      `json:"-"`
	Results     []Result         `json:"results"`
	ROC         []ROCPoint       `json:"roc"`
	Thresholds  match.Thresholds `json:"thresholds"`
	Experiments []Experiment     `json:"experiments,omitempty"`
}

// Experiment is a candidate improvement measured against the product.
type Experiment struct {
	Name    string   `json:"name"`
	About   string   `json:"about"`
	Results []Result `json:"results"`
	// Kept says whether the product adopts it, and why.
	Verdict string `json:"verdict"`
}

// ChooseThresholds picks the strong, possible and weak distances at false
// match rates of 0.1%, 1% and 10%.
func ChooseThresholds(v Verification, meta Meta, model string) match.Thresholds {
	var t match.Thresholds
	t.Unit = "euclidean distance between dlib face descriptors"
	level := func(fmr float64) match.Level {
		d := v.DistanceAtFMR(fmr)
		return match.Level{Distance: round3(d), FMR: v.FMR(round3(d)), TMR: v.TMR(round3(d))}
	}
	t.Strong, t.Possible, t.Weak = level(0.001), level(0.01), level(0.1)
	t.Source.Dataset = meta.Dataset
	t.Source.Command = meta.Command
	t.Source.Date = meta.Date.Format("2006-01-02")
	t.Source.Model = model
	t.Source.GenuinePairs = len(v.Genuine)
	t.Source.ImpostorPairs = len(v.Impostor)
	return t
}

func round3(x float64) float64 { return float64(int(x*1000)) / 1000 }

// Write saves results.json and report.md into dir.
func (r Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	var md strings.Builder
	r.Markdown(&md)
	if err := os.WriteFile(filepath.Join(dir, "report.md"), []byte(md.String()), 0o644); err != nil {
		return err
	}
	return r.Plot(dir)
}

// Markdown writes the tables.
func (r Report) Markdown(w io.Writer) {
	m := r.Meta
	fmt.Fprintf(w, "# Triage accuracy: %s\n\n", m.Dataset)
	fmt.Fprintf(w, "%d probes (one photo of each identity with two or more), %d archive photos, %d distractor identities. Measured %s on %s in %s.\n\n",
		m.Probes, m.Archive, m.Distractors, m.Date.Format("2006-01-02"), m.Machine, m.Elapsed)
	fmt.Fprintf(w, "Command: `%s`\n\n", m.Command)
	fmt.Fprintf(w, "Figures: `cmc-<condition>.png` (CMC curves, product against baseline), `roc.png`, `rates-by-distance.png` (false and true match rates against distance, with the thresholds).\n\n")
	fmt.Fprintf(w, "\"product\" is the engine as shipped: the any-angle search with dlib's HOG detector, and the CNN detector on photos where HOG finds no face. ")
	fmt.Fprintf(w, "The product ranks individuals (the archive's photos of one person are tied together, as detainee numbers tie them); the baseline (plain go-face: upright HOG, nearest face) ranks photos. \"Viewed\" is the number of images a family looks at until the right person: one face per individual for the product, one photo per row for the baseline; \"viewed ≤20\" counts a person not in the first 20 as 20.\n\n")
	for _, c := range r.Conditions {
		fmt.Fprintf(w, "## %s\n\n%s\n\n", c.Name, c.About)
		resultsTable(w, filter(r.Results, c.Name))
		fmt.Fprintln(w)
	}
	if len(r.Experiments) > 0 {
		fmt.Fprintf(w, "## Candidate improvements\n\n")
		for _, e := range r.Experiments {
			fmt.Fprintf(w, "### %s\n\n%s\n\n", e.Name, e.About)
			resultsTable(w, e.Results)
			fmt.Fprintf(w, "\n**Verdict:** %s\n\n", e.Verdict)
		}
	}
	t := r.Thresholds
	fmt.Fprintf(w, "## Verification and thresholds\n\n%d genuine pairs, %d impostor pairs (product, upright).\n\n", t.Source.GenuinePairs, t.Source.ImpostorPairs)
	fmt.Fprintf(w, "| strength | distance ≤ | false match rate | true match rate |\n|---|---|---|---|\n")
	for _, l := range []struct {
		name string
		l    match.Level
	}{{"strong", t.Strong}, {"possible", t.Possible}, {"weak", t.Weak}} {
		fmt.Fprintf(w, "| %s | %.3f | %.3f%% | %.1f%% |\n", l.name, l.l.Distance, 100*l.l.FMR, 100*l.l.TMR)
	}
	fmt.Fprintln(w)
}

func filter(rs []Result, cond string) []Result {
	var out []Result
	for _, r := range rs {
		if r.Condition == cond {
			out = append(out, r)
		}
	}
	return out
}

func resultsTable(w io.Writer, rs []Result) {
	fmt.Fprintf(w, "| method | condition | hit@1 | hit@5 | hit@10 | hit@20 | median rank | viewed | viewed ≤20 | never found | probes without face | archive without face |\n")
	fmt.Fprintf(w, "|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rs {
		med := "—"
		if r.MedianRank > 0 {
			med = fmt.Sprintf("%.0f", r.MedianRank)
		}
		fmt.Fprintf(w, "| %s | %s | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %s | %.1f | %.1f | %d | %d | %d |\n",
			r.Method, r.Condition, 100*r.Hit[1], 100*r.Hit[5], 100*r.Hit[10], 100*r.Hit[20], med,
			r.MeanViewed, r.MeanViewed20, r.NeverFound, r.ProbeNoFace, r.ArchiveNoFace+r.ArchiveErrors)
	}
}
