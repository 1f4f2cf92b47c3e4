// Package search answers "who in the archive looks like the person in this
// photo?" with a ranked list of individuals: each with its distance, the
// face that matched (photo, path, box), and how many photos of that
// individual the archive holds.
package search

import (
	"context"
	"errors"
	"fmt"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/vector"
)

// Engine embeds the probe photo.
type Engine interface {
	Embed(ctx context.Context, data []byte) (engine.Result, error)
}

// Catalogue is what search needs of archive.Catalogue.
type Catalogue interface {
	Photo(ctx context.Context, sha string) (archive.Photo, error)
	Individual(ctx context.Context, key string) (archive.Individual, error)
	Face(ctx context.Context, photo string, index int) (archive.FaceRecord, error)
}

// Searcher ranks individuals, and says what each distance means at the
// archive's size (match.Thresholds.Assess).
type Searcher struct {
	Engine    Engine
	Store     vector.Store
	Catalogue Catalogue
	// Thresholds name the strengths (match.Default() when zero).
	Thresholds match.Thresholds
	// Normalise scores and ranks candidates by the normalised score where
	// the thresholds carry one and the archive is large enough (normalise);
	// otherwise by distance.
	Normalise bool
}

func (s *Searcher) thresholds() match.Thresholds {
	if len(s.Thresholds.Model.Points) == 0 {
		return match.Default()
	}
	return s.Thresholds
}

// Size is how large the archive searched is.
type Size struct {
	Faces       int `json:"faces"`
	Individuals int `json:"individuals"`
}

// Size is the archive's size now.
func (s *Searcher) Size(ctx context.Context) (Size, error) {
	faces, err := s.Store.Count(ctx)
	if err != nil {
		return Size{}, fmt.Errorf("search: %w", err)
	}
	inds, err := s.Store.CountIndividuals(ctx)
	if err != nil {
		return Size{}, fmt.Errorf("search: %w", err)
	}
	return Size{Faces: faces, Individuals: inds}, nil
}

// Errors a caller shows the user.
var (
	// ErrNoFace: the probe photo has no face.
	ErrNoFace = errors.New("no face found in the photo")
	// ErrNoSuchFace: --face names a face the photo does not have.
	ErrNoSuchFace = errors.New("no such face in the photo")
)

// Request is one search.
type Request struct {
	Photo []byte
	// Face picks a face of the photo by its index (left to right); -1 takes
	// the largest.
	Face   int
	Top    int
	Filter vector.Filter
}

// Candidate is one individual in the result.
type Candidate struct {
	Rank       int     `json:"rank"`
	Individual string  `json:"individual"`
	Distance   float64 `json:"distance"`
	// The face that matched best.
	Photo string   `json:"photo_sha256"`
	Path  string   `json:"path"`
	Face  int      `json:"face"`
	Box   face.Box `json:"box"`
	// Photos is the number of photos of this individual in the archive.
	Photos int    `json:"photos"`
	Number string `json:"number,omitempty"`
	Source string `json:"source,omitempty"`
	Branch string `json:"branch,omitempty"`
	// Score is what the candidates are ranked by and the strength is read
	// from: the normalised score of the nearest face when Normalised (in
	// an archive large enough to be its own cohort: match.Normalisation),
	// otherwise the distance.
	Score      float64 `json:"score"`
	Normalised bool    `json:"normalised,omitempty"`
	// Strength, FPIR and Meaning say what the score means in an archive
	// of this size (match.Assessment).
	Strength match.Strength `json:"strength"`
	FPIR     float64        `json:"fpir"`
	Meaning  string         `json:"meaning"`
}

// Result is a search's answer.
type Result struct {
	// Faces is how many faces the probe photo has; Used is the one searched.
	Faces      int         `json:"faces"`
	Used       int         `json:"face_used"`
	Probe      face.Box    `json:"probe_box"`
	Candidates []Candidate `json:"candidates"`
	// Archive is the size of the archive searched.
	Archive Size `json:"archive"`
	// NoneOfThese: no candidate is at least a possible match, which at an
	// archive's real size does not show the person absent. Summary says so
	// in words.
	NoneOfThese bool   `json:"none_of_these"`
	Summary     string `json:"summary"`
}

// NoneOfThese reports whether no candidate is at least a possible match.
func NoneOfThese(cs []Candidate) bool {
	for _, c := range cs {
		if c.Strength == match.Strong || c.Strength == match.Possible {
			return false
		}
	}
	return true
}

// Summary says in a sentence what a ranking means.
func Summary(cs []Candidate, size Size) string {
	if NoneOfThese(cs) {
		// What LFW measured at 11,500 faces: the share of people present who
		// stay below "possible", by distance (the shipped thresholds, with
		// the sweep engine) and by the normalised score (openset-anyangle).
		below := "92 in 100"
		if len(cs) > 0 && cs[0].Normalised {
			below = "46 in 100, with the normalised score"
		}
		return fmt.Sprintf("No one in the archive of %s people is a possible match. That does not show the person is absent: "+
			"in an archive this large many people who are in it stay below \"possible\" (measured on LFW at 11,500 faces: %s), "+
			"yet the right person was ranked first in 9 searches in 10. Look at the weaker candidates; a case stays under standing search as new caches arrive.",
			match.Thousands(size.Individuals), below)
	}
	n := 0
	for _, c := range cs {
		if c.Strength == match.Strong || c.Strength == match.Possible {
			n++
		}
	}
	return fmt.Sprintf("%d of the archive's %s people are at least a possible match. Only a person, looking, can say whether one of them is this person.",
		n, match.Thousands(size.Individuals))
}

// Search embeds the probe and ranks the individuals nearest to its face.
func (s *Searcher) Search(ctx context.Context, r Request) (Result, error) {
	res, err := s.Engine.Embed(ctx, r.Photo)
	if err != nil {
		return Result{}, fmt.Errorf("search: probe photo: %w", err)
	}
	out := Result{Faces: len(res.Faces)}
	if len(res.Faces) == 0 {
		return out, ErrNoFace
	}
	k := r.Face
	if k < 0 {
		k = face.Largest(res.Faces)
	} else if k >= len(res.Faces) {
		return out, fmt.Errorf("%w: face %d of %d", ErrNoSuchFace, k, len(res.Faces))
	}
	out.Used, out.Probe = k, res.Faces[k].Box
	if out.Archive, err = s.Size(ctx); err != nil {
		return out, err
	}
	cs, err := s.Rank(ctx, res.Faces[k].Descriptor, r.Top, r.Filter)
	if err != nil {
		return out, err
	}
	out.Candidates = s.Assess(cs, out.Archive)
	out.NoneOfThese, out.Summary = NoneOfThese(out.Candidates), Summary(out.Candidates, out.Archive)
	return out, nil
}

// Assess names each candidate's strength at the archive's size.
func (s *Searcher) Assess(cs []Candidate, size Size) []Candidate {
	th := s.thresholds()
	for i := range cs {
		a := th.Assess(cs[i].Distance, size.Faces, size.Individuals)
		if cs[i].Normalised {
			a = th.AssessScore(cs[i].Score, size.Faces, size.Individuals)
		}
		cs[i].Strength, cs[i].FPIR, cs[i].Meaning = a.Strength, a.FPIR, a.Meaning
	}
	return cs
}

// Rank ranks the top individuals nearest to a descriptor, by their score
// (normalise).
func (s *Searcher) Rank(ctx context.Context, d face.Descriptor, top int, f vector.Filter) ([]Candidate, error) {
	hits, err := s.Store.SearchIndividuals(ctx, vector.Query{Vector: d, Limit: top, Filter: f})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	cs := make([]Candidate, len(hits))
	vecs := make([]face.Descriptor, len(hits))
	for i, h := range hits {
		vecs[i] = h.Best.Vector
		p := h.Best.Payload
		c := Candidate{Rank: i + 1, Individual: h.Individual, Distance: h.Distance, Photo: p.Photo, Face: p.Face,
			Number: p.Number, Source: p.Source, Branch: p.Branch, Photos: 1}
		if rec, err := s.Catalogue.Photo(ctx, p.Photo); err == nil {
			if len(rec.Paths) > 0 {
				c.Path = rec.Paths[0]
			}
		} else if !errors.Is(err, archive.ErrNotFound) {
			return nil, fmt.Errorf("search: %w", err)
		}
		if ind, err := s.Catalogue.Individual(ctx, h.Individual); err == nil && len(ind.Photos) > 0 {
			c.Photos = len(ind.Photos)
		}
		if rec, err := s.Catalogue.Face(ctx, p.Photo, p.Face); err == nil {
			c.Box = rec.Box
		}
		cs[i] = c
	}
	return s.normalise(ctx, d, cs, vecs)
}
