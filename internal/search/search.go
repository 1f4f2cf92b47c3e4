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

// Searcher ranks individuals.
type Searcher struct {
	Engine    Engine
	Store     vector.Store
	Catalogue Catalogue
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
}

// Result is a search's answer.
type Result struct {
	// Faces is how many faces the probe photo has; Used is the one searched.
	Faces      int         `json:"faces"`
	Used       int         `json:"face_used"`
	Probe      face.Box    `json:"probe_box"`
	Candidates []Candidate `json:"candidates"`
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
		k = largest(res.Faces)
	} else if k >= len(res.Faces) {
		return out, fmt.Errorf("%w: face %d of %d", ErrNoSuchFace, k, len(res.Faces))
	}
	out.Used, out.Probe = k, res.Faces[k].Box
	cs, err := s.Rank(ctx, res.Faces[k].Descriptor, r.Top, r.Filter)
	out.Candidates = cs
	return out, err
}

// Rank ranks individuals for a descriptor.
func (s *Searcher) Rank(ctx context.Context, d face.Descriptor, top int, f vector.Filter) ([]Candidate, error) {
	hits, err := s.Store.SearchIndividuals(ctx, vector.Query{Vector: d, Limit: top, Filter: f})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	cs := make([]Candidate, len(hits))
	for i, h := range hits {
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
	return cs, nil
}

func largest(fs []face.Face) int {
	k := 0
	for i, f := range fs {
		if f.Size > fs[k].Size {
			k = i
		}
	}
	return k
}
