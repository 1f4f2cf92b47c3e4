// Package vector is the face index: one interface, Store, with an in-process
// implementation (memstore, the embedded default) and one over Qdrant
// (qdrant). Both pass the same suite, vectortest.Run.
//
// Every index is a projection of the face records (package archive), which
// are the source of truth: an index can be dropped and rebuilt from them.
// A query ranks individuals, not photos: the faces of one individual are
// grouped, and each individual is represented by its nearest face.
package vector

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/facetriage/facetriage/internal/face"
)

// Payload is what a point carries besides its vector. Keep it in every
// result: a reviewer must see which face of which photo matched.
type Payload struct {
	// Photo is the SHA-256 of the photo (hex).
	Photo string `json:"photo"`
	// Face is the face's index in the photo.
	Face int `json:"face"`
	// Individual groups the faces of one person: the detainee number within
	// a source and branch, or the face itself when the photo has no number.
	Individual string `json:"individual"`
	Source     string `json:"source,omitempty"`
	Branch     string `json:"branch,omitempty"`
	Number     string `json:"number,omitempty"`
	// Date is the date from the file name or EXIF, or zero.
	Date time.Time `json:"date,omitzero"`
	// Model is the embedding model's id and version.
	Model string `json:"model,omitempty"`
}

// Point is one face in the index.
type Point struct {
	// ID is PointID(Payload.Photo, Payload.Face).
	ID      string
	Vector  face.Descriptor
	Payload Payload
}

// PointID is the deterministic id of a face: a UUID made from the photo's
// SHA-256 and the face index, so that indexing a face twice overwrites it.
func PointID(photo string, faceIndex int) string {
	h := sha256.Sum256([]byte(photo + ":" + strconv.Itoa(faceIndex)))
	h[6] = h[6]&0x0f | 0x50 // version 5 style
	h[8] = h[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// Filter restricts a query. Empty fields do not restrict.
//
// Its JSON (a case's filter, in the API and in storage) is snake_case; a
// filter stored before reads too (UnmarshalJSON).
type Filter struct {
	// Sources and Branches: the point's value must be one of them.
	Sources  []string `json:"sources,omitempty" description:"Only faces from these sources."`
	Branches []string `json:"branches,omitempty" description:"Only faces from these branches."`
	// From and To bound the date, inclusive; a point without a date is
	// excluded when either is set.
	From time.Time `json:"from,omitzero" description:"Only photos dated on or after this time."`
	To   time.Time `json:"to,omitzero" description:"Only photos dated on or before this time."`
	// ExcludeIndividuals never come back (a reviewer excluded them).
	ExcludeIndividuals []string `json:"exclude_individuals,omitempty" description:"Individuals never to rank."`
}

// Query asks for the Limit nearest individuals to Vector.
type Query struct {
	Vector face.Descriptor
	Limit  int
	Filter Filter
}

// Hit is one individual of a ranked result.
type Hit struct {
	Individual string
	// Distance is the euclidean distance of the individual's nearest face.
	Distance float64
	// Best is that face.
	Best Point
}

// Store is a face index. Implementations are safe for concurrent use.
//
// Contract:
//   - Upsert is idempotent: a point with an existing ID replaces it.
//   - SearchIndividuals returns at most q.Limit hits, one per individual,
//     ordered by Distance, then by Individual; each hit's Best is the
//     nearest face of that individual that passes the filter. Search is
//     exact unless the implementation documents otherwise.
//   - Count is the number of points.
//   - CountIndividuals is the number of distinct individuals among them.
//   - Sample returns the points with the smallest IDs (below).
type Store interface {
	Upsert(ctx context.Context, points []Point) error
	SearchIndividuals(ctx context.Context, q Query) ([]Hit, error)
	Count(ctx context.Context) (int, error)
	CountIndividuals(ctx context.Context) (int, error)
	// Sample returns up to n points, with their vectors and payloads,
	// chosen without regard to their vectors: the n points with the
	// smallest IDs, in increasing order of ID. IDs are hashes (PointID),
	// so this is a uniform pseudo-random sample of the archive's faces
	// that stays the same as the archive grows, except where a new point's
	// ID is among the n smallest. All points when there are fewer than n.
	// n <= 0 returns an error wrapping ErrBadQuery.
	//
	// The order is that of the ID strings. PointID makes canonical
	// lower-case hyphenated UUIDs, whose string order is the order of the
	// UUIDs as 128-bit numbers (the hyphens are at the same places in
	// every ID), which is the order Qdrant gives them; implementations
	// rely on it.
	Sample(ctx context.Context, n int) ([]Point, error)
	Close() error
}

// ErrBadQuery is returned for a query that cannot be answered.
var ErrBadQuery = errors.New("bad vector query")

// Validate checks a query.
func (q Query) Validate() error {
	if q.Limit <= 0 {
		return fmt.Errorf("%w: limit %d", ErrBadQuery, q.Limit)
	}
	if !q.Filter.From.IsZero() && !q.Filter.To.IsZero() && q.Filter.To.Before(q.Filter.From) {
		return fmt.Errorf("%w: date range ends before it starts", ErrBadQuery)
	}
	return nil
}

// Match reports whether a payload passes the filter. Implementations that
// filter in Go use it, so that all agree on the semantics.
func (f Filter) Match(p Payload) bool {
	if len(f.Sources) > 0 && !contains(f.Sources, p.Source) {
		return false
	}
	if len(f.Branches) > 0 && !contains(f.Branches, p.Branch) {
		return false
	}
	if !f.From.IsZero() || !f.To.IsZero() {
		if p.Date.IsZero() || (!f.From.IsZero() && p.Date.Before(f.From)) || (!f.To.IsZero() && p.Date.After(f.To)) {
			return false
		}
	}
	return len(f.ExcludeIndividuals) == 0 || !contains(f.ExcludeIndividuals, p.Individual)
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
