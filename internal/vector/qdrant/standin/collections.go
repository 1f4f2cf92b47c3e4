package standin

import (
	"context"
	"sort"

	"github.com/qdrant/go-client/qdrant"
)

// collections implements the Collections service.
type collections struct {
	qdrant.UnimplementedCollectionsServer
	s *Server
}

// Create accepts one unnamed dense vector per point, with any distance
// (only Euclid can be searched), and nothing else that changes behaviour.
func (cs *collections) Create(_ context.Context, req *qdrant.CreateCollection) (*qdrant.CollectionOperationResponse, error) {
	switch {
	case req.GetCollectionName() == "":
		return nil, invalid("collection name is empty")
	case req.QuantizationConfig != nil:
		return nil, unsupported("quantization")
	case req.SparseVectorsConfig != nil:
		return nil, unsupported("sparse vectors")
	case req.ShardingMethod != nil || req.ShardNumber != nil || req.ReplicationFactor != nil:
		return nil, unsupported("sharding and replication")
	case req.StrictModeConfig != nil:
		return nil, unsupported("strict mode")
	}
	params := req.GetVectorsConfig().GetParams()
	if params == nil {
		return nil, unsupported("a collection without one unnamed dense vector")
	}
	if params.Datatype != nil || params.MultivectorConfig != nil || params.QuantizationConfig != nil {
		return nil, unsupported("vector datatype, multivectors or quantization")
	}
	if params.GetSize() == 0 {
		return nil, invalid("vector size must be positive")
	}
	if params.GetDistance() == qdrant.Distance_UnknownDistance {
		return nil, invalid("unknown distance")
	}
	cs.s.mu.Lock()
	defer cs.s.mu.Unlock()
	if _, ok := cs.s.collections[req.GetCollectionName()]; ok {
		return nil, invalid("Collection `%s` already exists!", req.GetCollectionName())
	}
	cs.s.collections[req.GetCollectionName()] = &collection{
		size:     params.GetSize(),
		distance: params.GetDistance(),
		schema:   map[string]qdrant.PayloadSchemaType{},
		points:   map[string]*point{},
	}
	return &qdrant.CollectionOperationResponse{Result: true}, nil
}

// Get describes a collection: its vectors, payload indexes and size.
func (cs *collections) Get(_ context.Context, req *qdrant.GetCollectionInfoRequest) (*qdrant.GetCollectionInfoResponse, error) {
	cs.s.mu.RLock()
	defer cs.s.mu.RUnlock()
	c, err := cs.s.collection(req.GetCollectionName())
	if err != nil {
		return nil, err
	}
	schema := map[string]*qdrant.PayloadSchemaInfo{}
	for field, t := range c.schema {
		schema[field] = &qdrant.PayloadSchemaInfo{DataType: t}
	}
	n := uint64(len(c.points))
	return &qdrant.GetCollectionInfoResponse{Result: &qdrant.CollectionInfo{
		Status:          qdrant.CollectionStatus_Green,
		OptimizerStatus: &qdrant.OptimizerStatus{Ok: true},
		SegmentsCount:   1,
		Config: &qdrant.CollectionConfig{Params: &qdrant.CollectionParams{
			ShardNumber:   1,
			VectorsConfig: qdrant.NewVectorsConfig(&qdrant.VectorParams{Size: c.size, Distance: c.distance}),
		}},
		PayloadSchema:       schema,
		PointsCount:         &n,
		IndexedVectorsCount: qdrant.PtrOf(uint64(0)),
	}}, nil
}

// List lists the collections by name.
func (cs *collections) List(context.Context, *qdrant.ListCollectionsRequest) (*qdrant.ListCollectionsResponse, error) {
	cs.s.mu.RLock()
	defer cs.s.mu.RUnlock()
	names := make([]string, 0, len(cs.s.collections))
	for name := range cs.s.collections {
		names = append(names, name)
	}
	sort.Strings(names)
	resp := &qdrant.ListCollectionsResponse{}
	for _, name := range names {
		resp.Collections = append(resp.Collections, &qdrant.CollectionDescription{Name: name})
	}
	return resp, nil
}

// CollectionExists says whether a collection exists.
func (cs *collections) CollectionExists(_ context.Context, req *qdrant.CollectionExistsRequest) (*qdrant.CollectionExistsResponse, error) {
	cs.s.mu.RLock()
	defer cs.s.mu.RUnlock()
	_, ok := cs.s.collections[req.GetCollectionName()]
	return &qdrant.CollectionExistsResponse{Result: &qdrant.CollectionExists{Exists: ok}}, nil
}

// Delete drops a collection; the result is false when there was none.
func (cs *collections) Delete(_ context.Context, req *qdrant.DeleteCollection) (*qdrant.CollectionOperationResponse, error) {
	cs.s.mu.Lock()
	defer cs.s.mu.Unlock()
	_, ok := cs.s.collections[req.GetCollectionName()]
	delete(cs.s.collections, req.GetCollectionName())
	return &qdrant.CollectionOperationResponse{Result: ok}, nil
}
