package standin

import (
	"strings"

	"github.com/qdrant/go-client/qdrant"
)

// predicate tells whether a payload passes.
type predicate func(map[string]*qdrant.Value) bool

// compileFilter turns a filter into a predicate, or an error for what the
// stand-in does not implement. It supports must and must_not over field
// conditions on top-level keys: match keyword, match any of keywords, and
// a numeric range. A nil filter passes everything.
func compileFilter(f *qdrant.Filter) (predicate, error) {
	if len(f.GetShould()) > 0 || f.GetMinShould() != nil {
		return nil, unsupported("should and min_should filters")
	}
	must, err := compileAll(f.GetMust())
	if err != nil {
		return nil, err
	}
	mustNot, err := compileAll(f.GetMustNot())
	if err != nil {
		return nil, err
	}
	return func(p map[string]*qdrant.Value) bool {
		for _, c := range must {
			if !c(p) {
				return false
			}
		}
		for _, c := range mustNot {
			if c(p) {
				return false
			}
		}
		return true
	}, nil
}

func compileAll(conds []*qdrant.Condition) ([]predicate, error) {
	out := make([]predicate, len(conds))
	for i, c := range conds {
		fc := c.GetField()
		if fc == nil {
			return nil, unsupported("condition %T", c.GetConditionOneOf())
		}
		p, err := compileField(fc)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// compileField compiles one field condition: exactly one match or range.
func compileField(fc *qdrant.FieldCondition) (predicate, error) {
	if err := checkKey(fc.GetKey()); err != nil {
		return nil, err
	}
	if fc.GeoBoundingBox != nil || fc.GeoRadius != nil || fc.GeoPolygon != nil || fc.ValuesCount != nil ||
		fc.DatetimeRange != nil || fc.IsEmpty != nil || fc.IsNull != nil || (fc.Match != nil) == (fc.Range != nil) {
		return nil, unsupported("field condition on %q other than one match or range", fc.GetKey())
	}
	key := fc.GetKey()
	if r := fc.GetRange(); r != nil {
		return anyValue(key, func(v *qdrant.Value) bool { return inRange(v, r) }), nil
	}
	var keywords []string
	switch m := fc.GetMatch().GetMatchValue().(type) {
	case *qdrant.Match_Keyword:
		keywords = []string{m.Keyword}
	case *qdrant.Match_Keywords:
		keywords = m.Keywords.GetStrings()
	default:
		return nil, unsupported("match %T", m)
	}
	return anyValue(key, func(v *qdrant.Value) bool {
		s, ok := v.GetKind().(*qdrant.Value_StringValue)
		if !ok {
			return false
		}
		for _, k := range keywords {
			if s.StringValue == k {
				return true
			}
		}
		return false
	}), nil
}

// anyValue passes a payload whose key holds a value passing ok, or, as in
// Qdrant, an array holding one. A missing key fails.
func anyValue(key string, ok func(*qdrant.Value) bool) predicate {
	return func(p map[string]*qdrant.Value) bool {
		for _, v := range values(p[key]) {
			if ok(v) {
				return true
			}
		}
		return false
	}
}

// values is a value, or the elements of an array; none for a missing key.
func values(v *qdrant.Value) []*qdrant.Value {
	switch k := v.GetKind().(type) {
	case nil:
		return nil
	case *qdrant.Value_ListValue:
		return k.ListValue.GetValues()
	}
	return []*qdrant.Value{v}
}

// inRange compares an integer or a float with the bounds; other values
// (strings, null, a missing key) fail.
func inRange(v *qdrant.Value, r *qdrant.Range) bool {
	var x float64
	switch k := v.GetKind().(type) {
	case *qdrant.Value_IntegerValue:
		x = float64(k.IntegerValue)
	case *qdrant.Value_DoubleValue:
		x = k.DoubleValue
	default:
		return false
	}
	return (r.Lt == nil || x < r.GetLt()) && (r.Gt == nil || x > r.GetGt()) &&
		(r.Lte == nil || x <= r.GetLte()) && (r.Gte == nil || x >= r.GetGte())
}

// checkKey refuses nested keys ("a.b", "a[]"), which the stand-in does not
// resolve.
func checkKey(key string) error {
	if key == "" {
		return invalid("empty payload key")
	}
	if strings.ContainsAny(key, ".[]") {
		return unsupported("nested payload key %q", key)
	}
	return nil
}
