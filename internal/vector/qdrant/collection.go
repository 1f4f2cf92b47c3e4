package qdrant

import (
	"context"
	"errors"
	"fmt"

	"github.com/qdrant/go-client/qdrant"

	"github.com/facetriage/facetriage/internal/face"
)

// ErrWrongCollection is returned by Open for an existing collection whose
// vectors are not 128-d euclidean.
var ErrWrongCollection = errors.New("qdrant: collection does not hold face descriptors")

// Payload fields with an index: the filters and the grouping use them.
var indexes = []struct {
	field  string
	typ    qdrant.FieldType
	schema qdrant.PayloadSchemaType
}{
	{fieldIndividual, qdrant.FieldType_FieldTypeKeyword, qdrant.PayloadSchemaType_Keyword},
	{fieldSource, qdrant.FieldType_FieldTypeKeyword, qdrant.PayloadSchemaType_Keyword},
	{fieldBranch, qdrant.FieldType_FieldTypeKeyword, qdrant.PayloadSchemaType_Keyword},
	{fieldDate, qdrant.FieldType_FieldTypeInteger, qdrant.PayloadSchemaType_Integer},
}

// ensureCollection creates the collection if missing, checks its vectors,
// and creates the payload indexes it lacks.
func (s *Store) ensureCollection(ctx context.Context) error {
	exists, err := s.client.CollectionExists(ctx, s.collection)
	if err != nil {
		return fmt.Errorf("qdrant: open %q: %w", s.collection, err)
	}
	if !exists {
		err := s.client.CreateCollection(ctx, &qdrant.CreateCollection{
			CollectionName: s.collection,
			VectorsConfig:  qdrant.NewVectorsConfig(&qdrant.VectorParams{Size: face.Dim, Distance: qdrant.Distance_Euclid}),
		})
		// Another process may have created it meanwhile: checked below.
		if err != nil {
			if again, err2 := s.client.CollectionExists(ctx, s.collection); err2 != nil || !again {
				return fmt.Errorf("qdrant: create %q: %w", s.collection, err)
			}
		}
	}
	info, err := s.client.GetCollectionInfo(ctx, s.collection)
	if err != nil {
		return fmt.Errorf("qdrant: open %q: %w", s.collection, err)
	}
	params := info.GetConfig().GetParams().GetVectorsConfig().GetParams()
	if params == nil {
		return fmt.Errorf("%w: %q has named vectors or none", ErrWrongCollection, s.collection)
	}
	if params.GetSize() != face.Dim || params.GetDistance() != qdrant.Distance_Euclid {
		return fmt.Errorf("%w: %q has %d-d %s vectors, want %d-d Euclid",
			ErrWrongCollection, s.collection, params.GetSize(), params.GetDistance(), face.Dim)
	}
	for _, ix := range indexes {
		if info.GetPayloadSchema()[ix.field].GetDataType() == ix.schema {
			continue
		}
		_, err := s.client.CreateFieldIndex(ctx, &qdrant.CreateFieldIndexCollection{
			CollectionName: s.collection,
			Wait:           qdrant.PtrOf(true),
			FieldName:      ix.field,
			FieldType:      qdrant.PtrOf(ix.typ),
		})
		if err != nil {
			return fmt.Errorf("qdrant: index %q of %q: %w", ix.field, s.collection, err)
		}
	}
	return nil
}
