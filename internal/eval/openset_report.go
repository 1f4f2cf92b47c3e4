package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/facetriage/facetriage/internal/match"
)

// Write saves results.json, report.md and the figures into dir.
func (rep *OpenSetReport) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	var md strings.Builder
	rep.Markdown(&md)
	if err := os.WriteFile(filepath.Join(dir, "report.md"), []byte(md.String()), 0o644); err != nil {
		return err
	}
	return rep.Plot(dir)
}

// WriteThresholds puts the chosen model and its provenance into the
// thresholds file at path, keeping what else it holds; normalisedOnly
// writes only the normalised score's model, keeping the raw one.
func (rep *OpenSetReport) WriteThresholds(path string, normalisedOnly bool) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	t, err := match.Parse(b)
	if err != nil {
		return err
	}
	if normalisedOnly && rep.Normalised == nil {
		return fmt.Errorf("eval: --normalised-only: this run kept no normalisation, so there is nothing to write (the file is left as it is)")
	}
	if !normalisedOnly {
		t.Model = rep.Model
		t.OpenSet = rep.Provenance()
	}
	t.Normalised = nil
	if nm := rep.Normalised; nm != nil {
		t.Normalised = &match.Normalisation{Cohort: nm.Norm.Cohort, NearestShare: nm.Norm.Top,
			Mu: round(nm.Norm.Mu, 4), Sigma: round(nm.Norm.Sigma, 4), MinFaces: nm.Norm.Cohort, Model: nm.Model,
			Source: rep.normalisedProvenance(nm)}
	}
	out, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	if _, err := match.Parse(out); err != nil {
		return fmt.Errorf("eval: the model written would not be read: %w", err)
	}
	return os.WriteFile(path, append(out, '\n'), 0o644)
}

// Provenance is the "open_set" entry of the thresholds file: where the
// model comes from and how well it held.
func (rep *OpenSetReport) Provenance() map[string]any {
	words := Words(rep.Config.Rates)
	checks := checkRecords(rep.Config.Rates, rep.Sizes, rep.ChosenChecks, rep.Config.FitSizes)
	var extra []map[string]any
	for _, e := range rep.Extrapolation {
		x := map[string]any{"individuals": e.Individuals, "faces": e.Faces, "median_rank1": round(e.MedianRank1, 3)}
		for i, w := range words {
			x[w.Name] = map[string]any{"distance": round(e.Distance[i], 3), "ci90": [2]float64{round(e.CI90[i][0], 3), round(e.CI90[i][1], 3)}}
		}
		extra = append(extra, x)
	}
	var pops []map[string]any
	for _, p := range rep.Populations {
		x := map[string]any{"name": p.Name, "faces": p.Faces, "identities": p.Identities}
		for _, w := range p.Words {
			x[w.Name] = fmt.Sprintf("%d/%d: %s", w.FalsePositives, w.Searches, w.Verdict)
		}
		pops = append(pops, x)
	}
	prov := map[string]any{
		"status":           "measured",
		"dataset":          rep.Meta.Dataset,
		"command":          rep.Meta.Command,
		"date":             rep.Meta.Date.Format("2006-01-02"),
		"model":            rep.ModelID,
		"q":                fmt.Sprintf("share of pairs of main faces (the largest face of a photo) of two different people at most d apart: all %d pairs of %d faces of %d people, bins of %g, pairs under %.2f counted one by one", rep.Impostors.Pairs, rep.Impostors.Faces, rep.Impostors.Identities, rep.Impostors.Bin, rep.Impostors.TailMax),
		"chosen":           rep.ModelName,
		"kappa":            rep.Kappa,
		"choice":           rep.Choice,
		"checks":           checks,
		"extrapolation":    extra,
		"populations":      pops,
		"faces_per_person": rep.Config.FacesPerIndividual,
		"report":           "benchmarks/results/openset/report.md",
	}
	return prov
}

// normalisedProvenance says where the normalised score's model comes
// from and how well it held.
func (rep *OpenSetReport) normalisedProvenance(nm *NormalisedModel) map[string]any {
	f := nm.Fit
	return map[string]any{
		"dataset": rep.Meta.Dataset, "command": rep.Meta.Command, "date": rep.Meta.Date.Format("2006-01-02"), "model": rep.ModelID,
		"normaliser": nm.Name,
		"score":      "for a candidate's nearest face at distance d: " + nm.Norm.Formula(),
		"fit": fmt.Sprintf("FPIR(s, M) = 1 - exp(-kappa * M^beta * exp(a + b*s + c*s^2)), fitted on the non-mated rank-1 scores of LFW galleries of %v individuals (%d points, s from %.3f to %.3f): a %.4f, b %.4f, c %.4f, beta %.4f, kappa %.3g",
			nm.FitSizes, f.Points, f.From, f.To, f.A, f.B, f.C, f.Beta, f.Kappa),
		"pair_kappa": nm.PairKappa,
		"checks":     checkRecords(rep.Config.Rates, nm.Sizes, nm.Checks, nm.FitSizes),
		"report":     "benchmarks/results/openset-anyangle/report.md",
	}
}

// checkRecords are a model's checks as the thresholds file records them.
func checkRecords(rates match.Rates, sizes []SizeResult, checks [][]Check, fitSizes []int) []map[string]any {
	words := Words(rates)
	var out []map[string]any
	for k, r := range sizes {
		c := map[string]any{"individuals": int(math.Round(r.MeanIndividuals)), "faces": int(math.Round(r.NonMatedFaces)),
			"draws": r.Draws, "non_mated_searches": r.NonMated, "fitted_on": slices.Contains(fitSizes, r.Individuals)}
		for i, ch := range checks[k] {
			c[words[i].Name] = map[string]any{"model_distance": round(ch.Distance, 3), "measured_fpir": sig(ch.Measured, 3),
				"ci95": [2]float64{sig(ch.CI[0], 3), sig(ch.CI[1], 3)}, "conservative": ch.Conservative, "exceeds": ch.Exceeds}
		}
		out = append(out, c)
	}
	return out
}

func (rep *OpenSetReport) fittedOn(n int) bool {
	for _, f := range rep.Config.FitSizes {
		if f == n {
			return true
		}
	}
	return false
}

func pct(x float64) string {
	switch {
	case x == 0:
		return "0"
	case x < 0.001:
		return fmt.Sprintf("%.3f %%", 100*x)
	case x < 0.1:
		return fmt.Sprintf("%.2f %%", 100*x)
	}
	return fmt.Sprintf("%.1f %%", 100*x)
}

func sizeName(n int) string {
	if n <= 0 {
		return "all"
	}
	return match.Thousands(n)
}

// Summary writes the main tables for the terminal.
func (rep *OpenSetReport) Summary(w io.Writer) {
	fmt.Fprintf(w, "Open set on %s: %d searches, %d individuals, %d faces; model %s (kappa %.3g)\n", rep.Meta.Dataset, rep.Searches, rep.Individuals, rep.Faces, rep.ModelName, rep.Kappa)
	rep.fnirTable(w)
	rep.checkTable(w, rep.ChosenChecks)
	rep.wordTable(w)
	rep.populationTable(w)
}

// Markdown writes the report.
func (rep *OpenSetReport) Markdown(w io.Writer) {
	m := rep.Meta
	words := Words(rep.Config.Rates)
	fmt.Fprintf(w, "# Open-set evaluation: %s\n\n", m.Dataset)
	fmt.Fprintf(w, "Measured %s on %s in %s, embedding model `%s`.\n\nCommand: `%s`\n\n", m.Date.Format("2006-01-02"), m.Machine, m.Elapsed, rep.ModelID, m.Command)
	if rep.Config.NormalisedOnly && rep.Normalised != nil {
		fmt.Fprintf(w, "**Written with `--normalised-only`**: the product's thresholds file took only the normalised score's model from this run (its section below); the raw model the product reads under %s faces is not this run's \"chosen\" one but the one its provenance names.\n\n",
			match.Thousands(rep.Normalised.Norm.Cohort))
	}
	fmt.Fprintf(w, "Figures: `det.png` (FNIR against FPIR per gallery size), `rank1-by-size.png` (the non-mated rank-1 distance against the number of individuals, measured and model, extended to 100,000), `q.png` (q(d), the fitted tail and the other populations), `cmc.png`.\n\n")
	fmt.Fprintf(w, "## Protocol\n\n")
	fmt.Fprintf(w, "The product's embeddings of LFW (the shipped engine: the any-angle search with HOG, the CNN where it finds no face), upright. Each of the %d identities with two or more photos is searched with its first photo (%d searches; %d reference photos without a face are left out); the gallery holds every other photo, %d individuals. LFW's labels name the photo's main face, so the gallery holds each photo's largest face (%d faces): a photo's other faces are other people, whom the label does not name (in LFW they include the searched person, photographed together with someone else, which would count as false positives).\n\n",
		rep.Searches+rep.NoFace, rep.Searches, rep.NoFace, rep.Individuals, rep.Faces)
	if len(rep.Mislabelled) > 0 {
		var ps []string
		for _, x := range rep.Mislabelled {
			ps = append(ps, fmt.Sprintf("%s and %s (%.3f)", x.A, x.B, x.Distance))
		}
		fmt.Fprintf(w, "%d pairs of photos of two different identities lie nearer than %.2f, nearer than any two people's faces do: the same person under two names (in LFW, a photo whose largest face is the other person photographed with the named one). Both photos of each pair are left out of the searches, the gallery and q: %s.\n\n",
			len(rep.Mislabelled), rep.Config.Mislabelled, strings.Join(ps, "; "))
	}
	fmt.Fprintf(w, "For each size, galleries of N individuals are drawn at random (seeded) from those with a face. Every search is run against each gallery twice: **mated** when its person is in the gallery, and **non-mated** with its person taken out (N−1 individuals then). FPIR is the share of non-mated searches whose nearest individual lies at a distance at most t; FNIR the share of mated searches whose person is not first at a distance at most t (NIST's FNIR at rank 1); \"FNIR, shortlist\" counts the person found anywhere among the first %d at most t away, as the product labels every candidate. M is the number of faces searched (the model's exponent), N the individuals.\n\n", rep.Config.Shortlist)

	fmt.Fprintf(w, "## FNIR at fixed FPIR, per gallery size\n\n")
	rep.fnirTable(w)
	fmt.Fprintf(w, "\nThe thresholds are the measured ones (the distance at which the size's non-mated searches reach the FPIR); at 0.1 %% they rest on few searches (0.1 %% of the non-mated count), at the size of all of LFW on %d.\n\n", int(0.001*float64(rep.Sizes[len(rep.Sizes)-1].NonMated)))

	fmt.Fprintf(w, "## Rank-1 distance of non-mated searches\n\n| N | M | searches | 1 %% | 5 %% | 10 %% | 25 %% | median | mean |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rep.Sizes {
		s := r.Rank1
		fmt.Fprintf(w, "| %s | %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n", sizeName(int(math.Round(r.MeanIndividuals))), match.Thousands(int(math.Round(r.NonMatedFaces))), r.NonMated, s.P01, s.P05, s.P10, s.P25, s.P50, s.Mean)
	}
	fmt.Fprintf(w, "\n## CMC of mated searches\n\n")
	cmcTable(w, rep.Sizes)

	im := rep.Impostors
	fmt.Fprintf(w, "\n## q(d): how often two different people's faces lie this close\n\n")
	fmt.Fprintf(w, "Measured on **all** %s pairs of main faces of two different people among LFW's %s photos with a face (%s people): a histogram in bins of %g over the whole range, and every pair nearer than %.2f counted one by one (%s pairs).\n\n",
		match.Thousands(int(im.Pairs)), match.Thousands(im.Faces), match.Thousands(im.Identities), im.Bin, im.TailMax, match.Thousands(len(im.tail)))
	fmt.Fprintf(w, "| d | q(d) | pairs at most d | model q(d) |\n|---|---|---|---|\n")
	for _, x := range rep.QTable {
		fmt.Fprintf(w, "| %.2f | %.3g | %s | %.3g |\n", x[0], x[1], match.Thousands(int(x[2])), rep.Model.Q(x[0]))
	}
	t := rep.PairModel.Tail
	fmt.Fprintf(w, "\nThe lower tail, fitted by least squares on ln q at distances %.3f apart from %.3f (the nearest with at least %.0f pairs) to %.3f (q = %g), each point weighted by its pairs: ln q = %.4g + %.4g·d + %.4g·d². Below %.3f, where q < %.2g, the model rests on the fitted tail alone: an extrapolation.\n\n",
		DefaultModelSpec.FitStep, t.From, DefaultModelSpec.FitMinPairs, t.To, DefaultModelSpec.FitMaxQ, t.A, t.B, t.C, t.From, DefaultModelSpec.FitMinPairs/float64(im.Pairs))

	fmt.Fprintf(w, "## The model checked\n\n")
	fmt.Fprintf(w, "The product labels a candidate with a word when it lies within the model's distance for that word's rate at the archive's M: FPIR(d, M) = 1 − (1 − q(d))^M ≤ rate. Each non-mated search is checked at its own gallery's M. \"Measured\" is the share of non-mated searches that show someone within the model's distance (95 %% Wilson interval); it should be at most the rate (conservative).\n\n")
	fmt.Fprintf(w, "### The model from pairs alone (fitted on no gallery size)\n\n")
	rep.checkTable(w, rep.PairChecks)
	fmt.Fprintf(w, "\n### Calibrated: q scaled by κ = %.3g, fitted on sizes %v, checked on the others\n\n", rep.Kappa, rep.Config.FitSizes)
	fmt.Fprintf(w, "κ is the smallest factor on q that makes the model conservative at every rate on the fitting sizes (the largest ratio, over those sizes and rates, of the q the measured threshold needs to the q the pair model gives there). Rows marked \"fit\" were used to fit it; the others are held out.\n\n")
	rep.checkTable(w, rep.CalibratedChecks)
	fmt.Fprintf(w, "\n### Heterogeneous searches: shape K = %.3g, q scaled by κ = %.3g, both fitted on sizes %v\n\n", rep.Heterogeneous.K, rep.HetKappa, rep.Config.FitSizes)
	fmt.Fprintf(w, "FPIR(d, M) = 1 − (1 + M·κ·q(d)/K)^(−K): each search's q is κ·q(d) times a gamma-distributed factor of mean 1 and shape K (K → ∞ is the model above). For each K of a grid, κ is the smallest scale that is conservative at every rate on the fitting sizes; the K kept brings the predictions at the measured thresholds nearest the rates.\n\n")
	rep.checkTable(w, rep.HetChecks)
	fmt.Fprintf(w, "\n### Chosen: %s\n\n", rep.ModelName)
	for _, c := range rep.Choice {
		fmt.Fprintf(w, "- %s\n", c)
	}
	fmt.Fprintln(w)

	fmt.Fprintf(w, "## Where each word starts, by archive size\n\n")
	rep.wordTable(w)
	fmt.Fprintf(w, "\nThe interval is the 5th to 95th percentile over %d resamplings of LFW's identities (with replacement); it covers the measurement of q, not whether the archive's population is LFW's (see the population checks).\n\n", rep.Config.Bootstrap)
	fmt.Fprintf(w, "## Extrapolation\n\n| individuals | faces (%.0f each) | median rank-1 non-mated distance | strong ≤ | possible ≤ | weak ≤ |\n|---|---|---|---|---|---|\n", rep.Config.FacesPerIndividual)
	for _, e := range rep.Extrapolation {
		fmt.Fprintf(w, "| %s | %s | %.3f (%.3f–%.3f) |", match.Thousands(e.Individuals), match.Thousands(e.Faces), e.MedianRank1, e.MedianRank1CI[0], e.MedianRank1CI[1])
		for i := range words {
			fmt.Fprintf(w, " %.3f (%.3f–%.3f) |", e.Distance[i], e.CI90[i][0], e.CI90[i][1])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\n%s\n\n", rep.extrapolationNote())

	fmt.Fprintf(w, "## Population checks\n\n")
	fmt.Fprintf(w, "Each set on its own, at its own size: every photo with a face is searched against all the others (its own photo left out), with the chosen model's distance for each word at the set's M. A word **does not hold** when even the low end of the 95 %% interval lies above its rate; with fewer than 3/rate searches a rate **cannot be measured** (no false positive at all would still leave it possible). \"Shift\" is how much nearer the set's impostor pairs lie than LFW's, at the q given.\n\n")
	rep.populationTable(w)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "| set | impostor pairs |")
	for _, x := range QDistances {
		fmt.Fprintf(w, " q(%.2f) |", x)
	}
	fmt.Fprintf(w, " median impostor | median genuine | shift (at q) |\n|---|---|%s---|---|---|\n", strings.Repeat("---|", len(QDistances)))
	for _, p := range rep.Populations {
		fmt.Fprintf(w, "| %s | %s |", p.Name, match.Thousands(int(p.Pairs)))
		for _, q := range p.Q {
			fmt.Fprintf(w, " %.3g |", q[1])
		}
		if p.Name == "LFW" {
			fmt.Fprintf(w, " %.3f | | |\n", rep.Impostors.DistanceAtQ(0.5))
			continue
		}
		fmt.Fprintf(w, " %.3f | %.3f | %+.3f (%.2g) |\n", p.ImpostorMedian, p.GenuineMedian, p.Shift, p.ShiftAt)
	}
	fmt.Fprintln(w)

	fmt.Fprintf(w, "## Evidence fusion, measured\n\n")
	fmt.Fprintf(w, "Each candidate against the product's score (the nearest face), on the same galleries. The searches are split in two by identity (a hash of the name): the thresholds at each FPIR, and the candidate's setting, are chosen on one half; FNIR (rank 1) and FPIR are read on the other, held-out half. Sizes: %s. Face quality (size, sharpness) is not measured: the embedding cache holds descriptors only. Several reference photos are measured below (already the product's rule: nearest to any).\n\n", fusionSizes(rep.Config.FusionSizes))
	for _, f := range rep.Fusion {
		fmt.Fprintf(w, "### %s\n\n%s Setting chosen on the fitting half: %s.\n\n", f.Name, f.About, f.Params)
		fmt.Fprintf(w, "| N | held-out mated / non-mated | FPIR | product FNIR | FNIR | product FPIR measured | FPIR measured |\n|---|---|---|---|---|---|---|\n")
		for _, s := range f.Sizes {
			for _, r := range s.Rates {
				fmt.Fprintf(w, "| %s | %d / %d | %s | %s | %s | %s | %s |\n", sizeName(s.Individuals), s.Mated, s.NonMated, pct(r.FPIR), pct(r.ProductFNIR), pct(r.FNIR), pct(r.ProductFPIR), pct(r.MeasuredFPIR))
			}
		}
		if len(f.Populations) > 0 {
			fmt.Fprintf(w, "\nOn the other populations (each with its own model: q of the product's distance and of the normalised score, both measured over every LFW search against every face of another person):\n\n| set | word | product FPIR | FPIR | product FNIR | FNIR |\n|---|---|---|---|---|---|\n")
			for _, p := range f.Populations {
				for i := range p.Method {
					fmt.Fprintf(w, "| %s | %s | %d/%d | %d/%d | %s | %s |\n", p.Name, p.Method[i].Name, p.Product[i].FalsePositives, p.Product[i].Searches,
						p.Method[i].FalsePositives, p.Method[i].Searches, pct(p.Product[i].FNIR), pct(p.Method[i].FNIR))
				}
			}
		}
		fmt.Fprintf(w, "\nSettings tried: %s.\n\n**Verdict:** %s.\n\n", strings.Join(f.Tried, "; "), f.Verdict)
	}
	if nm := rep.Normalised; nm != nil {
		rep.normalisedSection(w, nm)
	}
	if tr := rep.TwoReferences; tr != nil {
		fmt.Fprintf(w, "### Two reference photos\n\n%d identities with three or more photos: the first two are the family's photos, the rest the gallery with every single-photo identity (%s faces). A case ranks individuals by their nearest face to either reference. Each reference searches the archive, so a non-mated case has two chances at every face: with two references the model must be read at 2·M.\n\n",
			tr.Identities, match.Thousands(tr.Faces))
		fmt.Fprintf(w, "| references | model read at | word | model distance | FPIR measured | FNIR |\n|---|---|---|---|---|---|\n")
		for _, x := range []struct {
			name, at string
			cs       []Check
		}{{"one", "M", tr.One}, {"two", "M", tr.Two}, {"two", "2·M", tr.TwoAt2M}} {
			for i, c := range x.cs {
				fmt.Fprintf(w, "| %s | %s | %s | %.3f | %s (%d) | %s |\n", x.name, x.at, words[i].Name, c.Distance, pct(c.Measured), c.Count, pct(c.FNIR))
			}
		}
		fmt.Fprintln(w)
	}
}

func fusionSizes(ss []SizeSpec) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, fmt.Sprintf("N = %s (%d draws)", sizeName(s.Individuals), max(1, s.Draws)))
	}
	return strings.Join(parts, ", ")
}

func (rep *OpenSetReport) fnirTable(w io.Writer) { fnirTable(w, rep.Sizes) }

func fnirTable(w io.Writer, sizes []SizeResult) {
	fmt.Fprintf(w, "| N | M (faces) | draws | mated | non-mated | FPIR | threshold | FNIR | FNIR, shortlist |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range sizes {
		for _, rr := range r.Rates {
			fmt.Fprintf(w, "| %s | %s (%s–%s) | %d | %d | %d | %s | %.3f | %s | %s |\n", sizeName(int(math.Round(r.MeanIndividuals))),
				match.Thousands(int(math.Round(r.NonMatedFaces))), match.Thousands(r.MinFaces), match.Thousands(r.MaxFaces), r.Draws, r.Mated, r.NonMated,
				pct(rr.FPIR), rr.Threshold, pct(rr.FNIR), pct(rr.FNIRShortlist))
		}
	}
}

func (rep *OpenSetReport) checkTable(w io.Writer, checks [][]Check) {
	rep.checkTableOf(w, rep.Sizes, checks, rep.Config.FitSizes)
}

func (rep *OpenSetReport) checkTableOf(w io.Writer, sizes []SizeResult, checks [][]Check, fitSizes []int) {
	fmt.Fprintf(w, "| N | M | rate | model distance | measured threshold | measured FPIR at the model's distance (95 %%) | model FPIR at the measured threshold | conservative | FNIR at the model's distance | |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for k, r := range sizes {
		fit := ""
		if slices.Contains(fitSizes, r.Individuals) {
			fit = "fit"
		}
		for i, c := range checks[k] {
			cons := "yes"
			switch {
			case c.Exceeds:
				cons = "**no**"
			case !c.Conservative:
				cons = "within noise"
			}
			fmt.Fprintf(w, "| %s | %s | %s | %.3f | %.3f | %s (%d; %s–%s) | %s | %s | %s | %s |\n", sizeName(int(math.Round(r.MeanIndividuals))),
				match.Thousands(int(math.Round(r.NonMatedFaces))), pct(c.Rate), c.Distance, r.Rates[i].Threshold, pct(c.Measured), c.Count, pct(c.CI[0]), pct(c.CI[1]),
				pct(c.Predicted), cons, pct(c.FNIR), fit)
		}
	}
}

func (rep *OpenSetReport) wordTable(w io.Writer) { wordTable(w, rep.Words) }

func wordTable(w io.Writer, ws []WordDistances) {
	fmt.Fprintf(w, "| archive (faces) | strong ≤ | possible ≤ | weak ≤ |\n|---|---|---|---|\n")
	for _, wd := range ws {
		fmt.Fprintf(w, "| %s |", match.Thousands(wd.Faces))
		for i := range wd.Distance {
			if len(wd.CI90) > i {
				fmt.Fprintf(w, " %.3f (%.3f–%.3f) |", wd.Distance[i], wd.CI90[i][0], wd.CI90[i][1])
			} else {
				fmt.Fprintf(w, " %.3f |", wd.Distance[i])
			}
		}
		fmt.Fprintln(w)
	}
}

func (rep *OpenSetReport) populationTable(w io.Writer) {
	fmt.Fprintf(w, "| set | photos | identities | M | word | distance | false positives / searches | FPIR (95 %%) | verdict | FNIR (mated) |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, p := range rep.Populations {
		for _, c := range p.Words {
			fmt.Fprintf(w, "| %s | %d | %d | %d | %s | %.3f | %d / %d | %s (%s–%s) | %s | %s of %d |\n", p.Name, p.Photos, p.Identities, p.Faces, c.Name, c.Distance,
				c.FalsePositives, c.Searches, pct(c.FPIR), pct(c.CI[0]), pct(c.CI[1]), c.Verdict, pct(c.FNIR), c.Mated)
		}
	}
}

// extrapolationNote says what the extrapolation rests on.
func (rep *OpenSetReport) extrapolationNote() string {
	minQ := DefaultModelSpec.FitMinPairs / float64(rep.Impostors.Pairs)
	var parts []string
	for _, e := range rep.Extrapolation {
		for i, wd := range Words(rep.Config.Rates) {
			need := -math.Expm1(math.Log1p(-wd.Rate) / float64(e.Faces))
			if need/math.Max(rep.scale, 1e-9) < minQ {
				parts = append(parts, fmt.Sprintf("%s at %s faces (q ≈ %.1g)", wd.Name, match.Thousands(e.Faces), need))
			}
			_ = i
		}
	}
	s := fmt.Sprintf("The model holds the measured q down to about %.1g (%.0f pairs of %s); ", minQ, DefaultModelSpec.FitMinPairs, match.Thousands(int(rep.Impostors.Pairs)))
	if len(parts) == 0 {
		return s + "every distance above rests on measured pairs."
	}
	return s + "these rest on the fitted tail alone, beyond what LFW can measure: " + strings.Join(parts, ", ") + ". Their interval covers the fit's uncertainty, not the tail's shape: a lower tail heavier than the fit would make them too generous."
}

func cmcTable(w io.Writer, sizes []SizeResult) {
	fmt.Fprintf(w, "| N | mated searches | rank 1 | rank 5 | rank 10 | rank 20 |\n|---|---|---|---|---|---|\n")
	for _, r := range sizes {
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s |\n", sizeName(int(math.Round(r.MeanIndividuals))), r.Mated, pct(r.CMC[0]), pct(r.CMC[4]), pct(r.CMC[9]), pct(r.CMC[19]))
	}
}

// normalisedSection reports the kept normaliser as the product's score.
func (rep *OpenSetReport) normalisedSection(w io.Writer, nm *NormalisedModel) {
	n := nm.Norm
	fmt.Fprintf(w, "### The kept normalisation as the product's score: %s\n\n", nm.Name)
	f := nm.Fit
	fmt.Fprintf(w, "As a search computes it: each candidate is scored by the normalised score of its nearest face (by distance): `%s`. The product reads it from archives of %s faces up (a whole cohort); below, the raw distance and its model.\n\n",
		n.Formula(), match.Thousands(n.Cohort))
	fmt.Fprintf(w, "**The model is fitted on the searches, not on pairs.** A pair model (q over every search's normalised score against every face of another person, as the raw model is built) would need its q multiplied by κ = %.3g to hold on the fitting sizes: one search's scores share its normalisation, so its faces are not independent chances. Instead, on the non-mated searches of sizes %v (those whose archive holds a whole cohort), ln(−ln(1 − F(s))) is fitted by weighted least squares on s, s² and ln M, where F(s) is the share of a size's non-mated searches with a rank-1 score at most s (%d points, scores %.3f to %.3f, F at most %.0f %%):\n\n",
		nm.PairKappa, nm.FitSizes, f.Points, f.From, f.To, 100*RankOneMaxF)
	fmt.Fprintf(w, "FPIR(s, M) = 1 − exp(−κ · M^β · exp(a + b·s + c·s²)), a = %.3f, b = %.3f, c = %.3f, **β = %.3f**, κ = %.3g (the factor that makes every rate hold on the fitting sizes; 1 when the fit already does).\n\n",
		f.A, f.B, f.C, f.Beta, f.Kappa)
	fmt.Fprintf(w, "β below 1 says the archive's faces are fewer independent chances than faces: a search of ten times the faces is a search of 10^β times the chances. Rows marked \"fit\" below were used to fit it; the others are held out.\n\n")
	fmt.Fprintf(w, "FNIR at fixed FPIR (measured thresholds):\n\n")
	fnirTable(w, nm.Sizes)
	fmt.Fprintf(w, "\nCMC of mated searches, ranked by the normalised score (the product ranks a shortlist by it):\n\n")
	cmcTable(w, nm.Sizes)
	fmt.Fprintf(w, "\nIts model checked:\n\n")
	rep.checkTableOf(w, nm.Sizes, nm.Checks, nm.FitSizes)
	fmt.Fprintf(w, "\nWhat the words deliver: FNIR (rank 1) at the model's distance, the chosen raw model against the normalised one, and the measured FPIR there:\n\n| N | word | raw FNIR | raw FPIR | normalised FNIR | normalised FPIR |\n|---|---|---|---|---|---|\n")
	wd := Words(rep.Config.Rates)
	for k, r := range rep.Sizes {
		for i := range wd {
			a, b := rep.ChosenChecks[k][i], nm.Checks[k][i]
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", sizeName(int(math.Round(r.MeanIndividuals))), wd[i].Name, pct(a.FNIR), pct(a.Measured), pct(b.FNIR), pct(b.Measured))
		}
	}
	fmt.Fprintf(w, "\nOn the other populations (each set's own faces the cohort, the person searched for left out of it; every one of them is smaller than a cohort, where the product reads the distance instead: this measures the score itself, on small sets):\n\n| set | word | distance | false positives / searches | verdict | FNIR |\n|---|---|---|---|---|---|\n")
	for _, p := range nm.Populations {
		for _, c := range p.Words {
			fmt.Fprintf(w, "| %s | %s | %.3f | %d / %d | %s | %s of %d |\n", p.Name, c.Name, c.Distance, c.FalsePositives, c.Searches, c.Verdict, pct(c.FNIR), c.Mated)
		}
	}
	if len(nm.InArchive) > 0 {
		fmt.Fprintf(w, "\nThe other populations inside an LFW archive (each set's photos searched, leave-one-out, among the rest of the set and %s LFW photos drawn at random, as a small group lies in a real archive; the normalised score's cohort is then mostly LFW faces). By distance, the words the product reads without `--normalise`%s:\n\n| set | faces | word | by distance: false positives / searches | verdict | FNIR | normalised: false positives / searches | verdict | FNIR |\n|---|---|---|---|---|---|---|---|---|\n",
			match.Thousands(nm.InArchive[0].Distractors), map[bool]string{true: " (the shipped thresholds, not this run's)", false: ""}[rep.Config.NormalisedOnly])
		for _, p := range nm.InArchive {
			for i, a := range p.Distance {
				b := p.Normalised[i]
				fmt.Fprintf(w, "| %s | %s | %s | %d / %d | %s | %s of %d | %d / %d | %s | %s of %d |\n", p.Name, match.Thousands(p.Faces), a.Name,
					a.FalsePositives, a.Searches, a.Verdict, pct(a.FNIR), a.Mated, b.FalsePositives, b.Searches, b.Verdict, pct(b.FNIR), b.Mated)
			}
		}
	}
	fmt.Fprintf(w, "\nWhere each word starts, on the normalised scale:\n\n")
	wordTable(w, nm.Words)
	fmt.Fprintln(w)
}
