package eval

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Method is one way of finding and comparing faces.
type Method struct {
	Name string
	// Embed finds the faces of archive photos (and of probes, unless
	// EmbedProbe is set).
	Embed      Embedder
	EmbedProbe Embedder
	// Fallback re-embeds the photos in which Embed found no face (the
	// product's CNN detector after HOG).
	Fallback Embedder
	// Cache and FallbackCache name the method's embedding caches (default
	// Name, and Cache + "-fallback"), so that methods sharing an embedder
	// share its cache.
	Cache, FallbackCache string
	// Individuals ranks individuals (the product); otherwise photos are
	// ranked by their nearest face, as a plain face search shows them.
	Individuals bool
	Aggregation Aggregation
}

func (m Method) cache() string {
	if m.Cache != "" {
		return m.Cache
	}
	return m.Name
}

func (m Method) fallbackCache() string {
	if m.FallbackCache != "" {
		return m.FallbackCache
	}
	return m.cache() + "-fallback"
}

// Condition is a state of the archive photos.
type Condition struct {
	Name    string
	About   string
	Degrade Degrader
}

// Runner runs the protocol.
type Runner struct {
	Split      Split
	Methods    []Method
	Conditions []Condition
	Workers    int
	// CacheDir keeps embeddings between runs ("" keeps none).
	CacheDir string
	Progress io.Writer
}

// Result is one method under one condition.
type Result struct {
	Method    string `json:"method"`
	Condition string `json:"condition"`
	Scores
	ProbeNoFace   int `json:"probe_no_face"`
	ArchiveNoFace int `json:"archive_no_face"`
	ArchiveErrors int `json:"archive_errors"`
}

// Run evaluates every method under every condition.
func (r *Runner) Run(ctx context.Context) ([]Result, error) {
	var out []Result
	probes := map[string][]Faces{}
	for _, m := range r.Methods {
		fs, err := r.Probes(ctx, m)
		if err != nil {
			return out, err
		}
		probes[m.Name] = fs
	}
	for _, c := range r.Conditions {
		for _, m := range r.Methods {
			arch, err := r.Archive(ctx, m, c)
			if err != nil {
				return out, err
			}
			out = append(out, r.score(m, c.Name, probes[m.Name], arch))
		}
	}
	return out, nil
}

// Archive embeds the archive for a method under a condition (cached).
func (r *Runner) Archive(ctx context.Context, m Method, c Condition) ([]Faces, error) {
	fs, err := r.embedAll(ctx, m.cache()+"."+c.Name, r.Split.Archive, m.Embed, c.Degrade)
	if err != nil || m.Fallback == nil {
		return fs, err
	}
	return r.refill(ctx, m.fallbackCache()+"."+c.Name, r.Split.Archive, fs, m.Fallback, c.Degrade)
}

// Probes embeds the probes for a method (cached). Probes are never degraded.
func (r *Runner) Probes(ctx context.Context, m Method) ([]Faces, error) {
	if m.EmbedProbe != nil {
		return r.embedAll(ctx, m.Name+".probes", r.Split.Probes, m.EmbedProbe, nil)
	}
	fs, err := r.embedAll(ctx, m.cache()+".upright", r.Split.Probes, m.Embed, nil)
	if err != nil || m.Fallback == nil {
		return fs, err
	}
	return r.refill(ctx, m.fallbackCache()+".upright", r.Split.Probes, fs, m.Fallback, nil)
}

func (r *Runner) score(m Method, cond string, probes, arch []Faces) Result {
	res := Result{Method: m.Name, Condition: cond}
	for _, f := range arch {
		if f.Err != "" {
			res.ArchiveErrors++
		} else if len(f.Descriptors) == 0 {
			res.ArchiveNoFace++
		}
	}
	res.Scores = Score(r.RanksOf(m, probes, arch))
	for _, f := range probes {
		if len(f.Descriptors) == 0 {
			res.ProbeNoFace++
		}
	}
	return res
}

// RanksOf ranks the right person for each probe (0: never found).
func (r *Runner) RanksOf(m Method, probes, arch []Faces) []int {
	g := NewGallery(r.Split.Archive, arch)
	agg := m.Aggregation
	if agg == "" {
		agg = AggMin
	}
	ranks := make([]int, len(r.Split.Probes))
	for i, p := range r.Split.Probes {
		if len(probes[i].Descriptors) == 0 {
			continue
		}
		rk := g.Rank(probes[i].Descriptors[0], p.Identity, agg)
		if m.Individuals {
			ranks[i] = rk.Individual
		} else {
			ranks[i] = rk.Photo
		}
	}
	return ranks
}

// Meta describes a run for the report.
type Meta struct {
	Dataset     string    `json:"dataset"`
	Command     string    `json:"command"`
	Machine     string    `json:"machine"`
	Date        time.Time `json:"date"`
	Probes      int       `json:"probes"`
	Archive     int       `json:"archive"`
	Identities  int       `json:"identities"`
	Distractors int       `json:"distractors"`
	Elapsed     string    `json:"elapsed"`
}

func (m Meta) String() string {
	return fmt.Sprintf("%s: %d probes, %d archive photos (%d distractor identities)", m.Dataset, m.Probes, m.Archive, m.Distractors)
}
