package cases_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

// normalising turns --normalise on for the fixture's searcher, with a
// cohort the fixture's archive of 24 faces can hold.
func normalising(t *testing.T, f *fixture, minFaces int) *search.Searcher {
	t.Helper()
	s, ok := f.svc.Ranker.(*search.Searcher)
	if !ok {
		t.Fatalf("ranker %T", f.svc.Ranker)
	}
	th := match.Default()
	n := *th.Normalised
	n.Cohort, n.MinFaces = 10, minFaces
	th.Normalised = &n
	s.Thresholds, s.Normalise = th, true
	return s
}

// The signed evidence export's scores.json gives the distance, the
// strength, the FPIR and the thresholds, but not the score the strength
// was read from nor that it was normalised: nobody can check the words
// from the bundle, and recomputing the FPIR from the exported thresholds
// at the exported distance gives another number.
func TestExportSaysTheStrengthCameFromTheNormalisedScore(t *testing.T) {
	f := newFixture(t)
	normalising(t, f, 10)
	c := f.openCase(t, 3)
	var cd cases.Candidate
	for _, x := range c.Candidates {
		if x.Individual == "caesar/215/7003" {
			cd = x
		}
	}
	if !cd.Normalised {
		t.Fatalf("the numbered individual was not normalised: %+v", cd)
	}
	f.svc.Decide(ctx, reviewer, c.ID, cd.Individual, cases.Possible, "same")
	f.svc.Decide(ctx, reviewer2, c.ID, cd.Individual, cases.Identified, "the family recognised the clothes")
	raw := exportedFiles(t, f, c.ID)["scores.json"]
	var got map[string]any
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	var sc struct {
		Distance   float64          `json:"distance"`
		FPIR       float64          `json:"fpir"`
		Archive    search.Size      `json:"archive"`
		Thresholds match.Thresholds `json:"thresholds"`
	}
	json.Unmarshal(raw, &sc)
	_, hasScore := got["score"]
	_, hasNorm := got["normalised"]
	if !hasScore || !hasNorm {
		t.Errorf("scores.json of a normalised candidate (score %.3f, %s, FPIR %.3g) has no score or normalised field; "+
			"from what it does carry, thresholds.model.FPIR(distance %.3f, %d faces) = %.3g",
			cd.Score, cd.Strength, sc.FPIR, sc.Distance, sc.Archive.Faces, sc.Thresholds.Model.FPIR(sc.Distance, sc.Archive.Faces))
	}
}

// crossing ranks with the searcher, and after the first reference's
// search one face is ingested (a concurrent ingest): the archive reaches
// min_faces between the references of one case.
type crossing struct {
	*search.Searcher
	calls int
}

func (c *crossing) Rank(ctx context.Context, d face.Descriptor, top int, f vector.Filter) ([]search.Candidate, error) {
	cs, err := c.Searcher.Rank(ctx, d, top, f)
	if c.calls++; c.calls == 1 {
		photo := fmt.Sprintf("%064x", 12345)
		var v face.Descriptor
		v[0] = 5 // far from everyone
		if err := c.Store.Upsert(ctx, []vector.Point{{ID: vector.PointID(photo, 0), Vector: v,
			Payload: vector.Payload{Photo: photo, Individual: "late-arrival"}}}); err != nil {
			return nil, err
		}
	}
	return cs, err
}

// A case with two references fuses and sorts their candidates by Score;
// nothing keeps the two searches on one scale. When one reference's search
// is scored by distance and the other's by the normalised score (here the
// archive reaches min_faces between them; also when any one candidate
// leaves fewer than cohort/2 faces, or the reference's copies fill the
// cohort), distances and normalised scores are compared in one sort.
func TestCaseFusionNeverMixesDistancesAndNormalisedScores(t *testing.T) {
	f := newFixture(t)
	n, err := f.rig.Store.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := normalising(t, f, n+1)
	f.svc.Ranker = &crossing{Searcher: s}
	c, err := f.svc.Create(ctx, caseworker, cases.Fields{Name: "Two references"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []uint8{2, 5} {
		if c, err = f.svc.AddReference(ctx, caseworker, c.ID, facetest.Photo(facetest.Spec{Person: p, Variant: 99}), -1, false, false); err != nil {
			t.Fatal(err)
		}
	}
	if c, err = f.svc.Match(ctx, caseworker, c.ID); err != nil {
		t.Fatal(err)
	}
	kinds := map[bool]int{}
	for _, cd := range c.Candidates {
		kinds[cd.Normalised]++
		t.Logf("%-12s distance %.3f score %.3f normalised %-5v %s", cd.Individual[:min(12, len(cd.Individual))], cd.Distance, cd.Score, cd.Normalised, cd.Strength)
	}
	if kinds[true] > 0 && kinds[false] > 0 {
		t.Errorf("one shortlist ranks %d candidates by normalised score and %d by distance, in one sort", kinds[true], kinds[false])
	}
}

// A candidate stored before this change has no "score": it reads as 0,
// which case.go says is the distance when not normalised, i.e. a copy of
// the reference. Decided candidates that no longer rank keep it forever.
func TestStoredCandidateWithoutScoreReadsItsDistance(t *testing.T) {
	var cd cases.Candidate
	if err := json.Unmarshal([]byte(`{"individual":"caesar/227/4321","distance":0.52,"strength":"weak","fpir":0.05}`), &cd); err != nil {
		t.Fatal(err)
	}
	if !cd.Normalised && cd.Score != cd.Distance {
		t.Errorf("a stored candidate at distance %.2f reads score %.2f (not normalised): case.go says the score is then the distance", cd.Distance, cd.Score)
	}
}

// A case with two references is two searches of the archive: its words
// are read at twice the archive's faces, and one reference's at once.
func TestTwoReferencesReadTheWordsAtTwiceTheFaces(t *testing.T) {
	f := newFixture(t)
	c, err := f.svc.Create(ctx, caseworker, cases.Fields{Name: "Two references"})
	if err != nil {
		t.Fatal(err)
	}
	th := match.Default()
	for refs, p := range []uint8{2, 5} {
		if c, err = f.svc.AddReference(ctx, caseworker, c.ID, facetest.Photo(facetest.Spec{Person: p, Variant: 99}), -1, false, false); err != nil {
			t.Fatal(err)
		}
		if c, err = f.svc.Match(ctx, caseworker, c.ID); err != nil {
			t.Fatal(err)
		}
		if len(c.Candidates) == 0 || c.Archive.Faces == 0 {
			t.Fatalf("no candidates or no archive: %+v", c)
		}
		for _, cd := range c.Candidates {
			want := th.Assess(cd.Distance, (refs+1)*c.Archive.Faces, c.Archive.Individuals)
			if cd.FPIR != want.FPIR || cd.Strength != want.Strength {
				t.Errorf("%d reference(s), %s at %.3f: FPIR %.3g (%s), want %.3g (%s), read at %d faces",
					refs+1, cd.Individual, cd.Distance, cd.FPIR, cd.Strength, want.FPIR, want.Strength, (refs+1)*c.Archive.Faces)
			}
		}
	}
}
