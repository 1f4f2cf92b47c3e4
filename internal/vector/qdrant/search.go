package qdrant

import (
	"context"
	"fmt"
	"sort"

	"github.com/qdrant/go-client/qdrant"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/vector"
)

// SearchIndividuals asks Qdrant for the q.Limit nearest groups of points
// by individual, one point (the nearest) per group. Distance is Qdrant's
// score, which for a euclidean collection is the euclidean distance
// (computed in float32).
func (s *Store) SearchIndividuals(ctx context.Context, q vector.Query) ([]vector.Hit, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	req := &qdrant.QueryPointGroups{
		CollectionName: s.collection,
		Query:          qdrant.NewQueryNearest(qdrant.NewVectorInputDense(q.Vector[:])),
		Filter:         buildFilter(q.Filter),
		WithPayload:    qdrant.NewWithPayloadEnable(true),
		WithVectors:    qdrant.NewWithVectorsEnable(true),
		Limit:          qdrant.PtrOf(uint64(q.Limit)),
		GroupSize:      qdrant.PtrOf(uint64(1)),
		GroupBy:        fieldIndividual,
	}
	if s.exact {
		req.Params = &qdrant.SearchParams{Exact: qdrant.PtrOf(true)}
	}
	groups, err := s.client.QueryGroups(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("qdrant: search: %w", err)
	}
	hits := make([]vector.Hit, 0, len(groups))
	for _, g := range groups {
		if len(g.GetHits()) == 0 {
			continue
		}
		best, err := toPoint(g.GetHits()[0])
		if err != nil {
			return nil, fmt.Errorf("qdrant: search: %w", err)
		}
		hits = append(hits, vector.Hit{
			Individual: best.Payload.Individual,
			Distance:   float64(g.GetHits()[0].GetScore()),
			Best:       best,
		})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Distance != hits[j].Distance {
			return hits[i].Distance < hits[j].Distance
		}
		return hits[i].Individual < hits[j].Individual
	})
	if len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	return hits, nil
}

// returnedPoint is a point as Qdrant returns it: a ScoredPoint (search) or
// a RetrievedPoint (scroll).
type returnedPoint interface {
	GetId() *qdrant.PointId
	GetVectors() *qdrant.VectorsOutput
	GetPayload() map[string]*qdrant.Value
}

// toPoint converts a returned point, with its payload and vector.
func toPoint(sp returnedPoint) (vector.Point, error) {
	id := sp.GetId().GetUuid()
	if id == "" {
		return vector.Point{}, fmt.Errorf("point %v: not a UUID id", sp.GetId())
	}
	p := vector.Point{ID: id}
	data := sp.GetVectors().GetVector().GetDenseVector().GetData()
	if len(data) != face.Dim {
		return p, fmt.Errorf("point %s: %d-d vector, want %d", id, len(data), face.Dim)
	}
	copy(p.Vector[:], data)
	payload, err := decodePayload(sp.GetPayload())
	if err != nil {
		return p, fmt.Errorf("point %s: %w", id, err)
	}
	p.Payload = payload
	return p, nil
}
