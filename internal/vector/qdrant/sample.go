package qdrant

import (
	"context"
	"fmt"

	"github.com/qdrant/go-client/qdrant"

	"github.com/facetriage/facetriage/internal/vector"
)

// samplePage is the most points asked for in one Scroll request (about
// 1 KiB each, well below gRPC's 4 MiB message limit).
const samplePage = 1000

// Sample scrolls the collection from its start: without order_by, Qdrant
// returns points in increasing order of ID, UUIDs in their order as
// 128-bit numbers, which for the canonical lower-case form vector.PointID
// makes is the order of the ID strings. It pages with the returned next
// offset until it has n points or reaches the end. A page out of that
// order is an error rather than a silently different sample.
func (s *Store) Sample(ctx context.Context, n int) ([]vector.Point, error) {
	if n <= 0 {
		return nil, fmt.Errorf("%w: sample of %d points", vector.ErrBadQuery, n)
	}
	out := make([]vector.Point, 0, min(n, samplePage))
	var offset *qdrant.PointId
	for len(out) < n {
		page, next, err := s.client.ScrollAndOffset(ctx, &qdrant.ScrollPoints{
			CollectionName: s.collection,
			Offset:         offset,
			Limit:          qdrant.PtrOf(uint32(min(n-len(out), samplePage))),
			WithPayload:    qdrant.NewWithPayloadEnable(true),
			WithVectors:    qdrant.NewWithVectorsEnable(true),
		})
		if err != nil {
			return nil, fmt.Errorf("qdrant: sample: %w", err)
		}
		for _, rp := range page {
			if len(out) == n {
				break
			}
			p, err := toPoint(rp)
			if err != nil {
				return nil, fmt.Errorf("qdrant: sample: %w", err)
			}
			if len(out) > 0 && p.ID <= out[len(out)-1].ID {
				return nil, fmt.Errorf("qdrant: sample: point %s after %s: scroll is not in increasing order of ID", p.ID, out[len(out)-1].ID)
			}
			out = append(out, p)
		}
		if next == nil || len(page) == 0 {
			break
		}
		offset = next
	}
	return out, nil
}
