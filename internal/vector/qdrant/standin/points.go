package standin

import (
	"context"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/qdrant/go-client/qdrant"
)

// points implements the Points service.
type points struct {
	qdrant.UnimplementedPointsServer
	s *Server
}

// Upsert stores points, replacing those with the same id (vector and whole
// payload). It is synchronous, so wait=true and wait=false are the same.
func (ps *points) Upsert(_ context.Context, req *qdrant.UpsertPoints) (*qdrant.PointsOperationResponse, error) {
	switch {
	case req.ShardKeySelector != nil:
		return nil, unsupported("shard keys")
	case req.UpdateFilter != nil:
		return nil, unsupported("update_filter")
	case req.UpdateMode != nil && req.GetUpdateMode() != qdrant.UpdateMode_Upsert:
		return nil, unsupported("update mode %s", req.GetUpdateMode())
	}
	ps.s.mu.Lock()
	defer ps.s.mu.Unlock()
	c, err := ps.s.collection(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	// Check every point before storing any, so a bad batch changes nothing.
	batch := make(map[string]*point, len(req.GetPoints()))
	var order []string
	for _, p := range req.GetPoints() {
		key, id, err := idKey(p.GetId())
		if err != nil {
			return nil, err
		}
		vec, err := denseVector(p.GetVectors())
		if err != nil {
			return nil, err
		}
		if uint64(len(vec)) != c.size {
			return nil, invalid("Vector dimension error: expected dim: %d, got %d", c.size, len(vec))
		}
		if _, seen := batch[key]; !seen {
			order = append(order, key)
		}
		batch[key] = &point{id: id, vector: vec, payload: p.GetPayload()}
	}
	ps.s.ops++
	for _, key := range order {
		p := batch[key]
		p.version = ps.s.ops
		c.points[key] = p
	}
	return updated(ps.s.ops), nil
}

// Count counts the points passing the filter; it is always exact.
func (ps *points) Count(_ context.Context, req *qdrant.CountPoints) (*qdrant.CountResponse, error) {
	if req.ShardKeySelector != nil {
		return nil, unsupported("shard keys")
	}
	match, err := compileFilter(req.GetFilter())
	if err != nil {
		return nil, err
	}
	ps.s.mu.RLock()
	defer ps.s.mu.RUnlock()
	c, err := ps.s.collection(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	var n uint64
	for _, p := range c.points {
		if match(p.payload) {
			n++
		}
	}
	return &qdrant.CountResponse{Result: &qdrant.CountResult{Count: n}}, nil
}

// Facet counts the points by the string values of a keyword-indexed
// field, most first (then by value), as Qdrant does; counts are always
// exact. As in Qdrant, the field must have a keyword index.
func (ps *points) Facet(_ context.Context, req *qdrant.FacetCounts) (*qdrant.FacetResponse, error) {
	if req.ShardKeySelector != nil {
		return nil, unsupported("shard keys")
	}
	match, err := compileFilter(req.GetFilter())
	if err != nil {
		return nil, err
	}
	ps.s.mu.RLock()
	defer ps.s.mu.RUnlock()
	c, err := ps.s.collection(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	if c.schema[req.GetKey()] != qdrant.PayloadSchemaType_Keyword {
		return nil, invalid("Bad request: Index required but not found for \"%s\" of one of the following types: [keyword]", req.GetKey())
	}
	counts := map[string]uint64{}
	for _, p := range c.points {
		if !match(p.payload) {
			continue
		}
		if v, ok := p.payload[req.GetKey()].GetKind().(*qdrant.Value_StringValue); ok {
			counts[v.StringValue]++
		}
	}
	values := make([]string, 0, len(counts))
	for v := range counts {
		values = append(values, v)
	}
	sort.Slice(values, func(i, j int) bool {
		if counts[values[i]] != counts[values[j]] {
			return counts[values[i]] > counts[values[j]]
		}
		return values[i] < values[j]
	})
	limit := uint64(10)
	if req.Limit != nil {
		limit = req.GetLimit()
	}
	if uint64(len(values)) > limit {
		values = values[:limit]
	}
	hits := make([]*qdrant.FacetHit, len(values))
	for i, v := range values {
		hits[i] = &qdrant.FacetHit{Value: &qdrant.FacetValue{Variant: &qdrant.FacetValue_StringValue{StringValue: v}}, Count: counts[v]}
	}
	return &qdrant.FacetResponse{Hits: hits}, nil
}

// CreateFieldIndex records a keyword or integer index. As in Qdrant,
// creating an index that exists succeeds, and another type replaces it.
// Filters work without an index: the index only shows in the schema.
func (ps *points) CreateFieldIndex(_ context.Context, req *qdrant.CreateFieldIndexCollection) (*qdrant.PointsOperationResponse, error) {
	if req.FieldIndexParams != nil {
		return nil, unsupported("field index params")
	}
	if err := checkKey(req.GetFieldName()); err != nil {
		return nil, err
	}
	var t qdrant.PayloadSchemaType
	switch {
	case req.FieldType == nil:
		return nil, invalid("field index type is missing")
	case req.GetFieldType() == qdrant.FieldType_FieldTypeKeyword:
		t = qdrant.PayloadSchemaType_Keyword
	case req.GetFieldType() == qdrant.FieldType_FieldTypeInteger:
		t = qdrant.PayloadSchemaType_Integer
	default:
		return nil, unsupported("field index type %s", req.GetFieldType())
	}
	ps.s.mu.Lock()
	defer ps.s.mu.Unlock()
	c, err := ps.s.collection(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	c.schema[req.GetFieldName()] = t
	ps.s.ops++
	return updated(ps.s.ops), nil
}

func updated(op uint64) *qdrant.PointsOperationResponse {
	return &qdrant.PointsOperationResponse{Result: &qdrant.UpdateResult{
		OperationId: qdrant.PtrOf(op),
		Status:      qdrant.UpdateStatus_Completed,
	}}
}

// idKey is the map key of an id, and the id as Qdrant returns it: a UUID in
// lower-case hyphenated form, or a number.
func idKey(id *qdrant.PointId) (string, *qdrant.PointId, error) {
	switch v := id.GetPointIdOptions().(type) {
	case *qdrant.PointId_Num:
		return fmt.Sprintf("n:%d", v.Num), qdrant.NewIDNum(v.Num), nil
	case *qdrant.PointId_Uuid:
		u, err := canonicalUUID(v.Uuid)
		if err != nil {
			return "", nil, err
		}
		return "u:" + u, qdrant.NewID(u), nil
	}
	return "", nil, invalid("point id is missing")
}

// canonicalUUID accepts the hyphenated and the plain 32-digit forms.
func canonicalUUID(s string) (string, error) {
	h := strings.ToLower(s)
	if len(h) == 36 && h[8] == '-' && h[13] == '-' && h[18] == '-' && h[23] == '-' {
		h = h[0:8] + h[9:13] + h[14:18] + h[19:23] + h[24:]
	}
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != 16 {
		return "", invalid("Unable to parse UUID: %s", s)
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// denseVector is the one unnamed dense vector of a point.
func denseVector(v *qdrant.Vectors) ([]float32, error) {
	one := v.GetVector()
	if one == nil {
		return nil, unsupported("named vectors or a point without a vector")
	}
	if d := one.GetDense(); d != nil {
		return d.GetData(), nil
	}
	if one.GetVector() == nil && one.Indices == nil && one.VectorsCount == nil && len(one.GetData()) > 0 {
		return one.GetData(), nil // the deprecated plain form
	}
	return nil, unsupported("a vector other than dense")
}
