package standin

import (
	"context"
	"sort"

	"github.com/qdrant/go-client/qdrant"
)

// Scroll returns the points passing the filter in increasing order of ID,
// as Qdrant does without order_by: numeric IDs first, by value, then UUIDs
// by their value as 128-bit numbers (the order of their canonical
// lower-case strings). It starts at offset, inclusive (no point need have
// that ID), returns at most limit points (10 by default, as in Qdrant), and
// sets next_page_offset to the ID of the next point when more remain. As
// in Qdrant, the payload is returned unless with_payload says otherwise,
// the vector only when with_vectors asks for it.
func (ps *points) Scroll(_ context.Context, req *qdrant.ScrollPoints) (*qdrant.ScrollResponse, error) {
	switch {
	case req.ShardKeySelector != nil:
		return nil, unsupported("shard keys")
	case req.OrderBy != nil:
		return nil, unsupported("order_by")
	}
	match, err := compileFilter(req.GetFilter())
	if err != nil {
		return nil, err
	}
	withPayload, withVectors, err := selectors(req.GetWithPayload(), req.GetWithVectors(), true)
	if err != nil {
		return nil, err
	}
	limit := uint64(defaultLimit)
	if req.Limit != nil {
		limit = uint64(req.GetLimit())
	}
	if limit == 0 {
		return nil, invalid("limit: value 0 invalid, must be 1 or larger")
	}
	var from *qdrant.PointId
	if req.Offset != nil {
		if _, from, err = idKey(req.GetOffset()); err != nil {
			return nil, err
		}
	}

	ps.s.mu.RLock()
	defer ps.s.mu.RUnlock()
	c, err := ps.s.collection(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	var sel []*point
	for _, p := range c.points {
		if (from == nil || !idLess(p.id, from)) && match(p.payload) {
			sel = append(sel, p)
		}
	}
	sort.Slice(sel, func(i, j int) bool { return idLess(sel[i].id, sel[j].id) })
	resp := &qdrant.ScrollResponse{}
	if uint64(len(sel)) > limit {
		resp.NextPageOffset = sel[limit].id
		sel = sel[:limit]
	}
	resp.Result = make([]*qdrant.RetrievedPoint, len(sel))
	for i, p := range sel {
		rp := &qdrant.RetrievedPoint{Id: p.id}
		if withPayload {
			rp.Payload = p.payload
		}
		if withVectors {
			rp.Vectors = vectorsOutput(p)
		}
		resp.Result[i] = rp
	}
	return resp, nil
}

// idLess orders ids as Qdrant does: numbers before UUIDs, numbers by value,
// UUIDs by value. Both must be as idKey returns them (a UUID canonical), so
// that comparing the UUID strings compares the numbers.
func idLess(a, b *qdrant.PointId) bool {
	an, aNum := a.GetPointIdOptions().(*qdrant.PointId_Num)
	bn, bNum := b.GetPointIdOptions().(*qdrant.PointId_Num)
	switch {
	case aNum && bNum:
		return an.Num < bn.Num
	case aNum != bNum:
		return aNum
	}
	return a.GetUuid() < b.GetUuid()
}
