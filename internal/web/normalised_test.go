package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/search"
)

// TestCasePageSaysTheWordCameFromTheNormalisedScore: with --normalise, a
// candidate's line shows the normalised score beside the distance, in
// English and in Arabic; by distance it shows the distance alone.
func TestCasePageSaysTheWordCameFromTheNormalisedScore(t *testing.T) {
	w := newWorld(t)
	p := pages{}
	rv := w.login(t, "rv")
	page := "/cases/" + w.caseID
	if body := p.get(t, rv, page); strings.Contains(body, "normalised score") {
		t.Fatal("a shortlist ranked by distance speaks of a normalised score")
	}

	s, ok := w.d.Cases.Ranker.(*search.Searcher)
	if !ok {
		t.Fatalf("ranker %T", w.d.Cases.Ranker)
	}
	th := match.Default()
	n := *th.Normalised
	n.Cohort, n.MinFaces = 8, 8 // the world's archive: 8 faces
	th.Normalised = &n
	s.Thresholds, s.Normalise = th, true
	a := cases.Actor{Name: "cw", Role: auth.RoleCaseworker, Via: auth.ViaSession}
	c, err := w.d.Cases.Match(context.Background(), a, w.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Candidates) == 0 || !c.Candidates[0].Normalised {
		t.Fatalf("the case was not matched by the normalised score: %+v", c.Candidates)
	}
	body := p.get(t, rv, page+"?lang=en")
	if !strings.Contains(body, "normalised score") || !strings.Contains(body, "which the word is read from") {
		t.Errorf("the English case page does not show the normalised score:\n%s", body)
	}
	if body := p.get(t, rv, page+"?lang=ar"); !strings.Contains(body, "الدرجة المعيارية") {
		t.Errorf("the Arabic case page does not show the normalised score:\n%s", body)
	}
}
