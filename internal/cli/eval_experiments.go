//go:build cgo

package cli

import (
	"context"
	"fmt"

	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/engine/native"
	"github.com/facetriage/facetriage/internal/eval"
	"github.com/facetriage/facetriage/internal/face"
)

// experiments measures candidate improvements against the product, on the
// same split, reusing cached embeddings where they are the same.
func experiments(e *env, r *eval.Runner, product eval.Method, conds []eval.Condition) ([]eval.Experiment, error) {
	ctx := e.ctx
	var out []eval.Experiment
	probes, err := r.Probes(ctx, product)
	if err != nil {
		return nil, err
	}
	score := func(m eval.Method, cond string, ps, arch []eval.Faces) eval.Result {
		res := eval.Result{Method: m.Name, Condition: cond, Scores: eval.Score(r.RanksOf(m, ps, arch))}
		for _, f := range ps {
			if len(f.Descriptors) == 0 {
				res.ProbeNoFace++
			}
		}
		for _, f := range arch {
			if len(f.Descriptors) == 0 {
				res.ArchiveNoFace++
			}
		}
		return res
	}
	hit10 := func(res eval.Result) float64 { return res.Hit[10] }
	// A candidate is kept when it raises hit@10 by more than half a point,
	// or when it cuts by a quarter or more the probes whose person is never
	// found at all, without costing hit@10.
	verdict := func(base, cand eval.Result, keep, drop string) string {
		d := 100 * (hit10(cand) - hit10(base))
		nf := fmt.Sprintf("never found %d → %d", base.NeverFound, cand.NeverFound)
		if d > 0.5 || (d >= 0 && cand.NeverFound*4 <= base.NeverFound*3) {
			return fmt.Sprintf("hit@10 %+.1f points, %s: %s", d, nf, keep)
		}
		return fmt.Sprintf("hit@10 %+.1f points, %s: %s", d, nf, drop)
	}

	// 1. Aggregating an individual's faces: nearest face or mean of two.
	{
		ex := eval.Experiment{Name: "Score of an individual: nearest face, or the mean of its two nearest",
			About: "The product scores an individual by its nearest face. An individual with several photos could instead be scored by the mean of its two nearest faces, which rewards consistency."}
		mean2 := product
		mean2.Name, mean2.Aggregation = "product, mean of 2 nearest", eval.AggMean2
		var base, cand eval.Result
		for _, c := range conds[:min(2, len(conds))] {
			arch, err := r.Archive(ctx, product, c)
			if err != nil {
				return nil, err
			}
			b, m := score(product, c.Name, probes, arch), score(mean2, c.Name, probes, arch)
			ex.Results = append(ex.Results, b, m)
			if c.Name == "upright" {
				base, cand = b, m
			}
		}
		ex.Verdict = verdict(base, cand, "adopted.", "not adopted; the product keeps the nearest face.")
		out = append(out, ex)
	}

	// 2. Dropping archive faces the upright check doubts: the rotation sweep
	// finds more false faces (hands, upside-down faces) than one upright pass.
	{
		ex := eval.Experiment{Name: "Dropping faces the upright check doubts",
			About: "The rotation sweep can keep a false detection (a hand, an upside-down face) whose descriptor the upright check scores low. Faces scoring under a threshold are dropped from the archive."}
		var base, best eval.Result
		for _, c := range conds[:min(2, len(conds))] {
			arch, err := r.Archive(ctx, product, c)
			if err != nil {
				return nil, err
			}
			b := score(product, c.Name, probes, arch)
			ex.Results = append(ex.Results, b)
			for _, thr := range []float64{-4, 0} {
				kept := make([]eval.Faces, len(arch))
				for i, f := range arch {
					kept[i] = eval.Faces{Path: f.Path, Err: f.Err}
					for _, d := range f.Descriptors {
						if engine.UprightScore(d) >= thr {
							kept[i].Descriptors = append(kept[i].Descriptors, d)
						}
					}
				}
				m := product
				m.Name = fmt.Sprintf("product, faces scoring under %.0f dropped", thr)
				res := score(m, c.Name, probes, kept)
				ex.Results = append(ex.Results, res)
				if c.Name == "rotated" && (best.Method == "" || hit10(res) > hit10(best)) {
					base, best = b, res
				}
			}
		}
		ex.Verdict = verdict(base, best, "adopted.", "not adopted: the faces it drops are not what costs rank.")
		out = append(out, ex)
	}

	// 3. Jittered descriptors for the family's photo.
	{
		cfg := e.cfg
		cfg.Jitter = 10
		jit, err := native.Open(cfg)
		if err != nil {
			return nil, err
		}
		jm := product
		jm.Name = "product, reference jittered ×10"
		jm.EmbedProbe = func(ctx context.Context, data []byte) ([]face.Descriptor, error) {
			res, err := jit.Embed(ctx, data)
			return descriptors(res.Faces), err
		}
		jp, err := r.Probes(ctx, jm)
		jit.Close()
		if err != nil {
			return nil, err
		}
		arch, err := r.Archive(ctx, product, conds[0])
		if err != nil {
			return nil, err
		}
		b, j := score(product, conds[0].Name, probes, arch), score(jm, conds[0].Name, jp, arch)
		out = append(out, eval.Experiment{Name: "Jittered embedding of the reference photo",
			About:   "go-face can average a descriptor over jittered copies of the face (dlib's num_jitters). Only the family's photo is jittered: it is embedded once, while the archive is large.",
			Results: []eval.Result{b, j},
			Verdict: verdict(b, j, "adopted for reference photos (casework).", "not adopted.")})
	}

	// 4. The CNN detector where HOG finds nothing (the product has it; this
	// measures it by taking it away).
	{
		hog := product
		hog.Name, hog.Fallback = "product, HOG only", nil
		hogProbes, err := r.Probes(ctx, hog)
		if err != nil {
			return nil, err
		}
		ex := eval.Experiment{Name: "CNN detector when HOG finds no face",
			About: "dlib's MMOD CNN detector is about 30× slower than HOG; the product runs it only on photos where HOG found no face at any rotation. Compared here with HOG alone."}
		var base, cand eval.Result
		for _, c := range conds {
			arch, err := r.Archive(ctx, hog, c)
			if err != nil {
				return nil, err
			}
			full, err := r.Archive(ctx, product, c)
			if err != nil {
				return nil, err
			}
			b, f := score(hog, c.Name, hogProbes, arch), score(product, c.Name, probes, full)
			ex.Results = append(ex.Results, b, f)
			if c.Name == "small" || base.Method == "" {
				base, cand = b, f
			}
		}
		ex.Verdict = verdict(base, cand, "kept: the product's default detector is hog+cnn.", "not adopted.")
		out = append(out, ex)
	}

	// 5. Two reference photos instead of one.
	{
		samples := append(append([]eval.Sample{}, r.Split.Probes...), r.Split.Archive...)
		refs, sp := eval.FusionSplit(samples, 0)
		fr := &eval.Runner{Split: sp, Workers: r.Workers, CacheDir: r.CacheDir, Progress: r.Progress}
		arch, err := fr.Archive(ctx, product, conds[0])
		if err != nil {
			return nil, err
		}
		g := eval.NewGallery(sp.Archive, arch)
		var second []eval.Sample
		for _, rf := range refs {
			second = append(second, rf[1])
		}
		first, err := fr.Probes(ctx, product)
		if err != nil {
			return nil, err
		}
		sr := &eval.Runner{Split: eval.Split{Probes: second}, Workers: r.Workers, CacheDir: r.CacheDir, Progress: r.Progress}
		sec, err := sr.Probes(ctx, product)
		if err != nil {
			return nil, err
		}
		one, minF, meanF := make([]int, len(refs)), make([]int, len(refs)), make([]int, len(refs))
		for i, rf := range refs {
			var qs []face.Descriptor
			if len(first[i].Descriptors) > 0 {
				qs = append(qs, first[i].Descriptors[0])
				one[i] = g.Rank(first[i].Descriptors[0], rf[0].Identity, eval.AggMin).Individual
			}
			if len(sec[i].Descriptors) > 0 {
				qs = append(qs, sec[i].Descriptors[0])
			}
			minF[i] = g.RankFused(qs, rf[0].Identity, eval.FuseMin)
			meanF[i] = g.RankFused(qs, rf[0].Identity, eval.FuseMean)
		}
		b := eval.Result{Method: "product, one reference", Condition: "upright", Scores: eval.Score(one)}
		mn := eval.Result{Method: "product, two references, nearest", Condition: "upright", Scores: eval.Score(minF)}
		me := eval.Result{Method: "product, two references, mean descriptor", Condition: "upright", Scores: eval.Score(meanF)}
		out = append(out, eval.Experiment{Name: "Fusing two reference photos",
			About:   fmt.Sprintf("Identities with three or more photos (%d): the first two are the family's photos, the rest the archive, with the same distractors.", len(refs)),
			Results: []eval.Result{b, mn, me},
			Verdict: verdict(b, mn, "adopted: a case ranks individuals by their nearest face to any of its reference photos. The mean descriptor ranks about as well, but its distances are not distances between two photos, so the thresholds measured on pairs would not describe them.", "not adopted.")})
	}
	return out, nil
}
