package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
)

// Individual is a person as the archive knows them: the photos tied
// together by a detainee number, or a single face.
type Individual struct {
	Key string `json:"key"`
	// Photos are the photographs of the individual; a near-duplicate of
	// one of them is not listed again (it is on the original's Copies).
	Photos []string `json:"photos"`
	// Disagreeing names the faces of a numbered individual that lie far
	// from most other faces of it (package dedup, Disagreements): a
	// mislabelled photo, or another body in the frame. It is recomputed whenever a photo joins; empty when the
	// faces agree. For a reviewer to look at (facetriage status).
	Disagreeing []Disagreement `json:"disagreeing,omitempty"`
	// AlsoFiledAs names the other numbered individuals that hold a copy of
	// one of this individual's photographs: the same photograph under two
	// numbers (or sources) is evidence of a circulated copy, and both keep
	// their numbers.
	AlsoFiledAs []string `json:"also_filed_as,omitempty"`
	// MergedInto is set on a face's own individual whose photograph later
	// arrived as a numbered copy: its face now belongs to that number's
	// individual, and this record stays as history.
	MergedInto string `json:"merged_into,omitempty"`
}

// Disagreement is one face that agrees with no other face of its
// individual.
type Disagreement struct {
	Photo string `json:"photo"`
	Face  int    `json:"face"`
	// Median and Nearest are its median distance to the other faces of
	// the individual, and the distance to the nearest.
	Median  float64 `json:"median"`
	Nearest float64 `json:"nearest"`
}

// Flagged reports whether the individual needs a reviewer's look.
func (ind Individual) Flagged() bool { return len(ind.Disagreeing) > 0 || len(ind.AlsoFiledAs) > 0 }

// UpdateIndividual changes an individual's record under optimistic
// concurrency: fn gets the current record (one with only Key set when
// there is none) and edits it; when another writer got there first, fn
// runs again on the newer record.
func (c *Catalogue) UpdateIndividual(ctx context.Context, key string, fn func(*Individual) error) (Individual, error) {
	return updateRecord(ctx, c.individuals, keyOf(key), "individual "+key, func() Individual { return Individual{Key: key} }, fn)
}

// AddToIndividual records that photo shows the individual.
func (c *Catalogue) AddToIndividual(ctx context.Context, key, photo string) error {
	_, err := c.UpdateIndividual(ctx, key, func(ind *Individual) error {
		AddPhoto(ind, photo)
		return nil
	})
	return err
}

// AddPhoto is an UpdateIndividual that lists one more photo.
func AddPhoto(ind *Individual, photo string) {
	if !slices.Contains(ind.Photos, photo) {
		ind.Photos = append(ind.Photos, photo)
	}
}

// Individual returns an individual's record; one never recorded has no photos.
func (c *Catalogue) Individual(ctx context.Context, key string) (Individual, error) {
	ind := Individual{Key: key}
	e, err := c.individuals.Get(ctx, keyOf(key))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return ind, nil
	}
	if err != nil {
		return ind, fmt.Errorf("archive: individual %s: %w", key, err)
	}
	return ind, json.Unmarshal(e.Value(), &ind)
}

// Individuals calls fn with every readable individual record, in no
// particular order; like Photos, it names the damaged ones afterwards.
func (c *Catalogue) Individuals(ctx context.Context, fn func(Individual) error) error {
	scan, err := scanBucket(ctx, c, bus.BucketIndividuals, bus.ScanOptions{}, fn)
	return scan.damagedErr("individual", err)
}
