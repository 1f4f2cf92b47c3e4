package standin

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/qdrant/go-client/qdrant"
)

// Qdrant's defaults for a groups query.
const (
	defaultLimit     = 10
	defaultGroupSize = 3
)

// QueryGroups answers a nearest-neighbour query grouped by a payload field
// by exact brute force over a euclidean collection: the groups of the
// nearest points, each with its group_size nearest points, ordered by
// distance (the score). Points without the field belong to no group.
func (ps *points) QueryGroups(_ context.Context, req *qdrant.QueryPointGroups) (*qdrant.QueryGroupsResponse, error) {
	q, err := checkQuery(req)
	if err != nil {
		return nil, err
	}
	match, err := compileFilter(req.GetFilter())
	if err != nil {
		return nil, err
	}
	withPayload, withVectors, err := selectors(req.GetWithPayload(), req.GetWithVectors(), false)
	if err != nil {
		return nil, err
	}
	limit, size := uint64(defaultLimit), uint64(defaultGroupSize)
	if req.Limit != nil {
		limit = req.GetLimit()
	}
	if req.GroupSize != nil {
		size = req.GetGroupSize()
	}
	if limit == 0 || size == 0 {
		return nil, invalid("limit and group_size must be positive")
	}

	ps.s.mu.RLock()
	defer ps.s.mu.RUnlock()
	c, err := ps.s.collection(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	if c.distance != qdrant.Distance_Euclid {
		return nil, unsupported("search with distance %s", c.distance)
	}
	if uint64(len(q)) != c.size {
		return nil, invalid("Vector dimension error: expected dim: %d, got %d", c.size, len(q))
	}
	type scored struct {
		key  string
		p    *point
		dist float64
	}
	var cands []scored
	for key, p := range c.points {
		if match(p.payload) {
			cands = append(cands, scored{key, p, euclid(q, p.vector)})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].dist != cands[j].dist {
			return cands[i].dist < cands[j].dist
		}
		return cands[i].key < cands[j].key
	})
	var groups []*qdrant.PointGroup
	byKey := map[string]*qdrant.PointGroup{}
	for _, cand := range cands {
		for _, gv := range values(cand.p.payload[req.GetGroupBy()]) {
			gkey, gid := groupKey(gv)
			if gid == nil {
				continue // only strings and integers group, as in Qdrant
			}
			g := byKey[gkey]
			if g == nil {
				if uint64(len(groups)) == limit {
					continue
				}
				g = &qdrant.PointGroup{Id: gid}
				byKey[gkey] = g
				groups = append(groups, g)
			}
			if uint64(len(g.Hits)) < size {
				g.Hits = append(g.Hits, scoredPoint(cand.p, cand.dist, withPayload, withVectors))
			}
		}
	}
	return &qdrant.QueryGroupsResponse{Result: &qdrant.GroupsResult{Groups: groups}}, nil
}

// checkQuery accepts a plain nearest query with a dense vector and search
// params that at most ask for exactness (the stand-in is always exact), and
// returns the vector.
func checkQuery(req *qdrant.QueryPointGroups) ([]float32, error) {
	switch {
	case len(req.GetPrefetch()) > 0:
		return nil, unsupported("prefetch")
	case req.GetUsing() != "":
		return nil, unsupported("named vectors (using)")
	case req.ScoreThreshold != nil:
		return nil, unsupported("score_threshold")
	case req.LookupFrom != nil || req.WithLookup != nil:
		return nil, unsupported("lookups")
	case req.ShardKeySelector != nil:
		return nil, unsupported("shard keys")
	case req.GetGroupBy() == "":
		return nil, invalid("group_by is empty")
	}
	if err := checkKey(req.GetGroupBy()); err != nil {
		return nil, err
	}
	if p := req.GetParams(); p != nil && (p.Quantization != nil || p.IndexedOnly != nil || p.Acorn != nil) {
		return nil, unsupported("search params other than exact and hnsw_ef")
	}
	nearest, ok := req.GetQuery().GetVariant().(*qdrant.Query_Nearest)
	if !ok {
		return nil, unsupported("query %T", req.GetQuery().GetVariant())
	}
	dense, ok := nearest.Nearest.GetVariant().(*qdrant.VectorInput_Dense)
	if !ok {
		return nil, unsupported("nearest to %T", nearest.Nearest.GetVariant())
	}
	return dense.Dense.GetData(), nil
}

// selectors reads with_payload and with_vectors: all or nothing. Absent,
// vectors are left out and the payload is as defaultPayload says (Qdrant
// leaves it out of a query's points and puts it in a scroll's).
func selectors(ws *qdrant.WithPayloadSelector, vs *qdrant.WithVectorsSelector, defaultPayload bool) (payload, vectors bool, err error) {
	payload = defaultPayload
	if ws != nil {
		e, ok := ws.GetSelectorOptions().(*qdrant.WithPayloadSelector_Enable)
		if !ok {
			return false, false, unsupported("with_payload %T", ws.GetSelectorOptions())
		}
		payload = e.Enable
	}
	if vs != nil {
		e, ok := vs.GetSelectorOptions().(*qdrant.WithVectorsSelector_Enable)
		if !ok {
			return false, false, unsupported("with_vectors %T", vs.GetSelectorOptions())
		}
		vectors = e.Enable
	}
	return payload, vectors, nil
}

func groupKey(v *qdrant.Value) (string, *qdrant.GroupId) {
	switch k := v.GetKind().(type) {
	case *qdrant.Value_StringValue:
		return "s:" + k.StringValue, qdrant.NewGroupIDString(k.StringValue)
	case *qdrant.Value_IntegerValue:
		return fmt.Sprintf("i:%d", k.IntegerValue), qdrant.NewGroupIDInt(k.IntegerValue)
	}
	return "", nil
}

func scoredPoint(p *point, dist float64, withPayload, withVectors bool) *qdrant.ScoredPoint {
	sp := &qdrant.ScoredPoint{Id: p.id, Score: float32(dist), Version: p.version}
	if withPayload {
		sp.Payload = p.payload
	}
	if withVectors {
		sp.Vectors = vectorsOutput(p)
	}
	return sp
}

// vectorsOutput is a point's one unnamed dense vector, as returned.
func vectorsOutput(p *point) *qdrant.VectorsOutput {
	return &qdrant.VectorsOutput{VectorsOptions: &qdrant.VectorsOutput_Vector{
		Vector: &qdrant.VectorOutput{Vector: &qdrant.VectorOutput_Dense{Dense: &qdrant.DenseVector{Data: p.vector}}},
	}}
}

// euclid is the euclidean distance, summed in float64.
func euclid(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s)
}
