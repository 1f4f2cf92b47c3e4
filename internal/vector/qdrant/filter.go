package qdrant

import (
	"time"

	"github.com/qdrant/go-client/qdrant"

	"github.com/facetriage/facetriage/internal/vector"
)

// buildFilter translates a vector.Filter; nil when it does not restrict.
// The date range is an integer Range on "date", which a point without a
// date fails, as vector.Filter.Match requires.
func buildFilter(f vector.Filter) *qdrant.Filter {
	var qf qdrant.Filter
	if len(f.Sources) > 0 {
		qf.Must = append(qf.Must, qdrant.NewMatchKeywords(fieldSource, f.Sources...))
	}
	if len(f.Branches) > 0 {
		qf.Must = append(qf.Must, qdrant.NewMatchKeywords(fieldBranch, f.Branches...))
	}
	if !f.From.IsZero() || !f.To.IsZero() {
		var r qdrant.Range
		if !f.From.IsZero() {
			r.Gte = qdrant.PtrOf(float64(ceilUnix(f.From)))
		}
		if !f.To.IsZero() {
			r.Lte = qdrant.PtrOf(float64(f.To.Unix())) // Unix floors
		}
		qf.Must = append(qf.Must, qdrant.NewRange(fieldDate, &r))
	}
	if len(f.ExcludeIndividuals) > 0 {
		qf.MustNot = append(qf.MustNot, qdrant.NewMatchKeywords(fieldIndividual, f.ExcludeIndividuals...))
	}
	if len(qf.Must) == 0 && len(qf.MustNot) == 0 {
		return nil
	}
	return &qf
}

// ceilUnix is t in unix seconds, rounded up: stored dates are whole
// seconds, so date >= ceilUnix(t) exactly when the date is not before t.
func ceilUnix(t time.Time) int64 {
	if t.Nanosecond() > 0 {
		return t.Unix() + 1
	}
	return t.Unix()
}
