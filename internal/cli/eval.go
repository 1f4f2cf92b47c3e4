//go:build cgo

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/engine/native"
	"github.com/facetriage/facetriage/internal/eval"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imaging"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/models"
)

type evalCmd struct {
	Dataset         string   `name:"dataset" required:"" type:"existingdir" help:"Folder with labels.csv (path,identity), e.g. LFW."`
	Out             string   `name:"out" default:"eval-results" type:"path" help:"Where to write results.json and report.md."`
	Cache           string   `name:"cache" type:"path" help:"Keep embeddings here, so a run can resume and experiments reuse them (default: OUT/cache)."`
	Limit           int      `name:"limit" help:"Use this many probe identities (and twice as many distractors); 0: all."`
	Conditions      []string `name:"condition" help:"Archive conditions to run (default: all: upright, rotated, anyangle, small, blur, dark, jpeg20)."`
	Experiments     bool     `name:"experiments" help:"Also measure the candidate improvements."`
	WriteThresholds string   `name:"write-thresholds" type:"path" help:"Write the chosen thresholds to this file (the product's is internal/match/thresholds.json)."`
	Seed            int64    `name:"seed" default:"1" help:"Seed of the random rotations and impostor pairs."`
	OpenSet         bool     `name:"open-set" help:"Run the open-set evaluation instead (NIST FRVT 1:N: mated and non-mated searches of galleries of growing size, the model behind the words, population checks, evidence fusion); --write-thresholds then writes the model."`
	NormalisedOnly  bool     `name:"normalised-only" help:"With --open-set and --write-thresholds: write only the normalised score's model (the file's \"normalised\" entry), keeping its raw model and that model's provenance."`
	Populations     []string `name:"population" placeholder:"[NAME=]DIR" help:"With --open-set: also check the words on this labelled set: a folder with labels.csv (split into sets by the identities' 'set:' prefix), or a folder of photos named after the person (tzuyu2.jpg); NAME defaults to the folder's name."`
}

// conditions are the states of archive photos the harness measures.
func conditions(seed int64) []eval.Condition {
	deg := func(d imaging.Degradation) eval.Degrader {
		return func(data []byte, _ string) ([]byte, error) { return imaging.Degrade(data, d) }
	}
	return []eval.Condition{
		{Name: "upright", About: "Archive photos as they are."},
		{Name: "rotated", About: "Each archive photo turned by a random quarter turn (0°, 90°, 180° or 270°, seeded), as bodies photographed lying down are.",
			Degrade: func(data []byte, path string) ([]byte, error) {
				h := fnv.New32a()
				fmt.Fprintf(h, "%d:%s", seed, path)
				return imaging.Degrade(data, imaging.Degradation{QuarterTurns: int(h.Sum32() % 4)})
			}},
		{Name: "anyangle", About: "Each archive photo turned by a uniformly random angle (seeded), on a canvas enlarged to hold it, the corners grey: bodies do not lie at quarter turns.",
			Degrade: func(data []byte, path string) ([]byte, error) {
				return imaging.Degrade(data, imaging.Degradation{Angle: eval.AnyAngle(seed, path)})
			}},
		{Name: "small", About: "Archive photos scaled by 0.36, so that faces are about 40 px across.", Degrade: deg(imaging.Degradation{Scale: 0.36})},
		{Name: "blur", About: "Gaussian blur, sigma 3 px.", Degrade: deg(imaging.Degradation{BlurSigma: 3})},
		{Name: "dark", About: "Low light and low contrast: each pixel v becomes 0.3·v + 10.", Degrade: deg(imaging.Degradation{Gain: 0.3, Offset: 10})},
		{Name: "jpeg20", About: "Saved again as JPEG at quality 20.", Degrade: deg(imaging.Degradation{Quality: 20})},
	}
}

// descriptors orders an engine result's faces largest first.
func descriptors(fs []face.Face) []face.Descriptor {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Size > fs[j].Size })
	out := make([]face.Descriptor, len(fs))
	for i, f := range fs {
		out[i] = f.Descriptor
	}
	return out
}

func (c *evalCmd) Run(e *env) error {
	start := time.Now()
	if c.NormalisedOnly && (!c.OpenSet || c.WriteThresholds == "") {
		return usageError{fmt.Errorf("--normalised-only needs --open-set and --write-thresholds: it says what of the open-set model to write")}
	}
	samples, err := eval.LoadLabels(c.Dataset)
	if err != nil {
		return err
	}
	split := eval.FamilySplit(samples, c.Limit)
	if len(split.Probes) == 0 {
		return usageError{fmt.Errorf("%s has no identity with two or more photos", c.Dataset)}
	}
	if c.Cache == "" {
		c.Cache = c.Out + "/cache"
	}
	prod, err := native.Open(e.cfg)
	if err != nil {
		return fmt.Errorf("eval: %w (run `facetriage models fetch`)", err)
	}
	defer prod.Close()
	// The product as shipped: the any-angle search with HOG, and on the
	// photos where it finds no face the shipped detector again (HOG, then
	// the CNN at reduced scale), individuals ranked. Embed alone is the
	// product with HOG only (experiments).
	product := eval.Method{Name: "product", Individuals: true, Cache: "product-anyangle", FallbackCache: "product-anyangle-cnn",
		Embed: func(ctx context.Context, data []byte) ([]face.Descriptor, error) {
			r, err := prod.EmbedWith(ctx, data, engine.ModeHOG)
			return descriptors(r.Faces), err
		},
		Fallback: func(ctx context.Context, data []byte) ([]face.Descriptor, error) {
			r, err := prod.EmbedWith(ctx, data, engine.ModeFallback)
			return descriptors(r.Faces), err
		}}
	// The baseline: plain go-face on the photo as it is: upright HOG, no
	// scaling, photos ranked by their nearest face.
	baseline := eval.Method{Name: "baseline", Embed: func(ctx context.Context, data []byte) ([]face.Descriptor, error) {
		ds, err := prod.Pool.Recognize(ctx, data, face.HOG)
		fs := make([]face.Face, len(ds))
		for i, d := range ds {
			fs[i] = face.Face{Descriptor: d.Descriptor, Size: d.Rect.Dx()}
		}
		return descriptors(fs), err
	}}
	if c.OpenSet {
		return c.openSet(e, split, product, start)
	}
	conds := conditions(c.Seed)
	if len(c.Conditions) > 0 {
		var keep []eval.Condition
		for _, cd := range conds {
			for _, want := range c.Conditions {
				if cd.Name == want {
					keep = append(keep, cd)
				}
			}
		}
		if len(keep) != len(c.Conditions) {
			return usageError{fmt.Errorf("--condition: want some of upright, rotated, anyangle, small, blur, dark, jpeg20")}
		}
		conds = keep
	}
	r := &eval.Runner{Split: split, Methods: []eval.Method{product, baseline}, Conditions: conds,
		Workers: prod.Pool.Size(), CacheDir: c.Cache, Progress: e.stderr}
	results, err := r.Run(e.ctx)
	if err != nil {
		return err
	}
	meta := eval.Meta{Dataset: relative(c.Dataset), Command: "facetriage " + strings.Join(os.Args[1:], " "), Machine: machine(),
		Date: time.Now().UTC(), Probes: len(split.Probes), Archive: len(split.Archive), Distractors: split.Distractors}
	rep := eval.Report{Meta: meta, Conditions: conds, Results: results}
	// Verification figures from the product's faces of every photo, upright.
	arch, err := r.Archive(e.ctx, product, conds[0])
	if err != nil {
		return err
	}
	probes, err := r.Probes(e.ctx, product)
	if err != nil {
		return err
	}
	all := append(append([]eval.Sample{}, split.Probes...), split.Archive...)
	v := eval.Pairs(all, append(append([]eval.Faces{}, probes...), arch...), 1_000_000, c.Seed)
	rep.ROC = v.ROC()
	if c.Experiments {
		if rep.Experiments, err = experiments(e, r, product, conds); err != nil {
			return err
		}
	}
	rep.Meta.Elapsed = time.Since(start).Round(time.Second).String()
	rep.Thresholds = eval.ChooseThresholds(v, rep.Meta, models.EmbeddingModelID(e.cfg.ModelDirOrDefault()))
	if err := rep.Write(c.Out); err != nil {
		return err
	}
	if c.WriteThresholds != "" {
		b, _ := json.MarshalIndent(rep.Thresholds, "", "  ")
		if err := os.WriteFile(c.WriteThresholds, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	rep.Markdown(e.stdout)
	return nil
}

// openSet runs the open-set evaluation on the product's upright
// embeddings (cached), and on each population.
func (c *evalCmd) openSet(e *env, split eval.Split, product eval.Method, start time.Time) error {
	workers := runtime.NumCPU()
	upright := eval.Condition{Name: "upright"}
	r := &eval.Runner{Split: split, Workers: workers, CacheDir: c.Cache, Progress: e.stderr}
	probes, err := r.Probes(e.ctx, product)
	if err != nil {
		return err
	}
	archive, err := r.Archive(e.ctx, product, upright)
	if err != nil {
		return err
	}
	var pops []eval.Population
	for _, pop := range c.Populations {
		base, dir, ok := strings.Cut(pop, "=")
		if !ok {
			base, dir = filepath.Base(pop), pop
		}
		if dir, err = filepath.Abs(dir); err != nil {
			return err
		}
		samples, named, err := eval.LoadAny(dir)
		if err != nil {
			return err
		}
		pr := &eval.Runner{Split: eval.Split{Archive: samples}, Workers: workers, CacheDir: c.Cache, Progress: e.stderr}
		faces, err := pr.Archive(e.ctx, product, upright)
		if err != nil {
			return err
		}
		byPath := map[string]eval.Photo{}
		for _, p := range eval.Photos(samples, faces) {
			byPath[p.Path] = p
		}
		names, by := eval.PopulationsOf(base, samples)
		for _, name := range names {
			var ps []eval.Photo
			for _, s := range by[name] {
				ps = append(ps, byPath[s.Path])
			}
			about := relative(dir)
			if named {
				var left int
				ps, left = eval.SingleFaced(ps)
				about += fmt.Sprintf("; identities from file names; %d group photo(s) left out", left)
			}
			pops = append(pops, eval.Population{Name: name, About: about, Photos: ps})
		}
	}
	cfg := eval.DefaultOpenSetConfig(match.Default().Rates)
	cfg.Seed, cfg.Progress, cfg.NormalisedOnly = c.Seed, e.stderr, c.NormalisedOnly && c.WriteThresholds != ""
	rep, err := eval.RunOpenSet(e.ctx, cfg, split, probes, archive, pops)
	if err != nil {
		return err
	}
	rep.ModelID = models.EmbeddingModelID(e.cfg.ModelDirOrDefault())
	rep.Meta = eval.Meta{Dataset: relative(c.Dataset), Command: "facetriage " + strings.Join(os.Args[1:], " "), Machine: machine(),
		Date: time.Now().UTC(), Probes: len(split.Probes), Archive: len(split.Archive), Distractors: split.Distractors,
		Elapsed: time.Since(start).Round(time.Second).String()}
	if err := rep.Write(c.Out); err != nil {
		return err
	}
	if c.WriteThresholds != "" {
		if err := rep.WriteThresholds(c.WriteThresholds, c.NormalisedOnly); err != nil {
			return err
		}
	}
	rep.Summary(e.stdout)
	return nil
}

// relative names a path relative to the working directory when it is
// below or beside it, so that reports do not carry one machine's layout.
func relative(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return filepath.Base(p)
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "../../") {
		return r
	}
	return filepath.Base(p)
}

func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				model = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	return fmt.Sprintf("%d × %s, %s/%s", runtime.NumCPU(), model, runtime.GOOS, runtime.GOARCH)
}
