package search

import (
	"context"
	"fmt"
	"sort"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/vector"
)

// normalise, when the searcher normalises, scores each candidate by the normalised score of its nearest
// face (match.Normalisation) when the archive is large enough to be its
// own cohort, and ranks them by it: a reference or a face that lies near
// everyone (a population the model separates badly, a blurred face)
// then no longer looks like a strong match for everyone. vecs are the
// candidates' nearest faces. Otherwise each score is its distance.
func (s *Searcher) normalise(ctx context.Context, ref face.Descriptor, cs []Candidate, vecs []face.Descriptor) ([]Candidate, error) {
	for i := range cs {
		cs[i].Score = cs[i].Distance
	}
	th := s.thresholds()
	if !s.Normalise || th.Normalised == nil || len(cs) == 0 {
		return cs, nil
	}
	faces, err := s.Store.Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if !th.Normalises(faces) {
		return cs, nil
	}
	n := th.Normalised
	cohort, err := s.Store.Sample(ctx, n.Cohort)
	if err != nil {
		return nil, fmt.Errorf("search: the normalisation cohort: %w", err)
	}
	// A cohort of fewer than half the faces asked for (an archive of
	// copies of the reference, or of a few individuals) says nothing about
	// the archive: the distances stand.
	enough := max(2, n.Cohort/2)
	refDists := match.OtherPhotos(distancesTo(ref, cohort, ""))
	if len(refDists) < enough {
		return cs, nil
	}
	refStats := match.CohortStats(refDists, n.NearestShare)
	scores := make([]float64, len(cs))
	for i := range cs {
		ds := distancesTo(vecs[i], cohort, cs[i].Individual)
		if len(ds) < enough {
			return cs, nil
		}
		scores[i] = n.Score(cs[i].Distance, refStats, match.CohortStats(ds, n.NearestShare))
	}
	for i := range cs {
		cs[i].Score, cs[i].Normalised = scores[i], true
	}
	SortByScore(cs)
	return cs, nil
}

// distancesTo are d's distances to the cohort's faces, those of the
// individual except left out (a face is not its own cohort).
func distancesTo(d face.Descriptor, cohort []vector.Point, except string) []float64 {
	out := make([]float64, 0, len(cohort))
	for _, p := range cohort {
		if except == "" || p.Payload.Individual != except {
			out = append(out, d.Distance(p.Vector))
		}
	}
	return out
}

// SortByScore orders candidates by score, then distance, then individual,
// and numbers their ranks.
func SortByScore(cs []Candidate) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.Score != b.Score {
			return a.Score < b.Score
		}
		if a.Distance != b.Distance {
			return a.Distance < b.Distance
		}
		return a.Individual < b.Individual
	})
	for i := range cs {
		cs[i].Rank = i + 1
	}
}
