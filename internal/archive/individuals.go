package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/nats-io/nats.go/jetstream"
)

// Individual is a person as the archive knows them: the photos tied
// together by a detainee number, or a single face.
type Individual struct {
	Key    string   `json:"key"`
	Photos []string `json:"photos"`
}

// AddToIndividual records that photo shows the individual.
func (c *Catalogue) AddToIndividual(ctx context.Context, key, photo string) error {
	k := keyOf(key)
	for attempt := 0; attempt < 50; attempt++ {
		ind := Individual{Key: key}
		var rev uint64
		e, err := c.individuals.Get(ctx, k)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
		case err != nil:
			return fmt.Errorf("archive: individual %s: %w", key, err)
		default:
			rev = e.Revision()
			if err := json.Unmarshal(e.Value(), &ind); err != nil {
				return err
			}
		}
		if slices.Contains(ind.Photos, photo) {
			return nil
		}
		ind.Photos = append(ind.Photos, photo)
		b, _ := json.Marshal(ind)
		if rev == 0 {
			_, err = c.individuals.Create(ctx, k, b)
		} else {
			_, err = c.individuals.Update(ctx, k, b, rev)
		}
		if err == nil {
			return nil
		}
		if !bus.IsConflict(err) {
			return fmt.Errorf("archive: individual %s: %w", key, err)
		}
	}
	return fmt.Errorf("archive: individual %s: too many concurrent updates", key)
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
