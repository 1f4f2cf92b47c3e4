package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/search"
)

// The search API says, for each candidate, its strength and what it means
// at the archive's size, and says "none of these" when no one is a
// possible match.
func TestSearchSaysWhatTheWordsMean(t *testing.T) {
	w := newWorld(t)
	post := func(person uint8) search.Result {
		t.Helper()
		req, _ := http.NewRequest("POST", w.srv.URL+"/api/v1/search?top=5", bytes.NewReader(facetest.Photo(facetest.Spec{Person: person, Variant: 9})))
		req.Header.Set("Authorization", "Bearer "+w.tokens[auth.RoleCaseworker])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var res search.Result
		if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != 200 {
			t.Fatalf("search: %d %v", resp.StatusCode, err)
		}
		return res
	}
	res := post(2)
	if res.Archive.Faces != 4 || res.Archive.Individuals != 4 || res.NoneOfThese || len(res.Candidates) == 0 {
		t.Fatalf("a search for person 2: %+v", res)
	}
	top := res.Candidates[0]
	if top.Strength != match.Strong || top.FPIR <= 0 || top.FPIR > 0.001 || top.Meaning != match.Default().Meaning(match.Strong, 4) {
		t.Fatalf("rank 1: %+v", top)
	}
	stranger := post(9)
	if !stranger.NoneOfThese || stranger.Summary == "" {
		t.Fatalf("a search for a stranger: none_of_these=%v %q", stranger.NoneOfThese, stranger.Summary)
	}
	for _, c := range stranger.Candidates {
		if c.Strength == match.Strong || c.Strength == match.Possible || c.Meaning == "" {
			t.Errorf("a stranger's candidate %+v", c)
		}
	}
}
