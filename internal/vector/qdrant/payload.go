package qdrant

import (
	"fmt"
	"time"

	"github.com/qdrant/go-client/qdrant"

	"github.com/facetriage/facetriage/internal/vector"
)

// Payload field names in Qdrant.
const (
	fieldPhoto      = "photo"
	fieldFace       = "face"
	fieldIndividual = "individual"
	fieldSource     = "source"
	fieldBranch     = "branch"
	fieldNumber     = "number"
	fieldDate       = "date" // integer unix seconds; absent when unknown
	fieldModel      = "model"
)

// encodePayload writes every string field, empty or not, so that keyword
// filters see the same values as vector.Filter.Match.
func encodePayload(p vector.Payload) map[string]*qdrant.Value {
	m := map[string]*qdrant.Value{
		fieldPhoto:      qdrant.NewValueString(p.Photo),
		fieldFace:       qdrant.NewValueInt(int64(p.Face)),
		fieldIndividual: qdrant.NewValueString(p.Individual),
		fieldSource:     qdrant.NewValueString(p.Source),
		fieldBranch:     qdrant.NewValueString(p.Branch),
		fieldNumber:     qdrant.NewValueString(p.Number),
		fieldModel:      qdrant.NewValueString(p.Model),
	}
	if !p.Date.IsZero() {
		m[fieldDate] = qdrant.NewValueInt(p.Date.Unix())
	}
	return m
}

// decodePayload reads what encodePayload wrote. A missing field is left
// zero; a field of another type is an error.
func decodePayload(m map[string]*qdrant.Value) (vector.Payload, error) {
	var p vector.Payload
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{fieldPhoto, &p.Photo}, {fieldIndividual, &p.Individual}, {fieldSource, &p.Source},
		{fieldBranch, &p.Branch}, {fieldNumber, &p.Number}, {fieldModel, &p.Model},
	} {
		v, ok := m[f.name]
		if !ok {
			continue
		}
		s, ok := v.GetKind().(*qdrant.Value_StringValue)
		if !ok {
			return p, fmt.Errorf("payload field %q: want a string, got %T", f.name, v.GetKind())
		}
		*f.dst = s.StringValue
	}
	if v, ok := m[fieldFace]; ok {
		n, err := integer(fieldFace, v)
		if err != nil {
			return p, err
		}
		p.Face = int(n)
	}
	if v, ok := m[fieldDate]; ok {
		n, err := integer(fieldDate, v)
		if err != nil {
			return p, err
		}
		p.Date = time.Unix(n, 0).UTC()
	}
	return p, nil
}

func integer(name string, v *qdrant.Value) (int64, error) {
	i, ok := v.GetKind().(*qdrant.Value_IntegerValue)
	if !ok {
		return 0, fmt.Errorf("payload field %q: want an integer, got %T", name, v.GetKind())
	}
	return i.IntegerValue, nil
}
