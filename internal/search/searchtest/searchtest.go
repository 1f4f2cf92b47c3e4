// Package searchtest holds what tests and benchmarks of search share.
package searchtest

import (
	"context"

	"github.com/facetriage/facetriage/internal/archive"
)

// NoCatalogue stands in for the catalogue where it is not what is tested:
// it knows no photo, so search.Searcher.Rank names no path, box or count.
type NoCatalogue struct{}

// Photo implements search.Catalogue.
func (NoCatalogue) Photo(context.Context, string) (archive.Photo, error) {
	return archive.Photo{}, archive.ErrNotFound
}

// Individual implements search.Catalogue.
func (NoCatalogue) Individual(context.Context, string) (archive.Individual, error) {
	return archive.Individual{}, archive.ErrNotFound
}

// Face implements search.Catalogue.
func (NoCatalogue) Face(context.Context, string, int) (archive.FaceRecord, error) {
	return archive.FaceRecord{}, archive.ErrNotFound
}
