package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
)

// TestReviewerSeesEveryPhotoOfACandidate: the numbered individual has two
// photos in the archive; a reviewer opens its page from the shortlist and
// sees both, as blurred crops with their number, file and SHA-256, the
// matched one marked; one crop is revealed at a time; a full photo comes
// after a warning with the matched face boxed; the API says the same
// without a descriptor, and nobody outside the case sees anything.
func TestReviewerSeesEveryPhotoOfACandidate(t *testing.T) {
	w := newWorld(t)
	p := pages{}
	rv := w.login(t, "rv")
	const ind = "caesar/215/4321"
	page := "/cases/" + w.caseID + "/candidates/" + url.PathEscape(ind)

	body := p.get(t, rv, "/cases/"+w.caseID+"?reveal="+url.QueryEscape(ind))
	if !strings.Contains(body, `class="all-photos" href="`+page+`"`) {
		t.Fatalf("the case page has no link to every photo of %s (%s)", ind, page)
	}
	body = p.get(t, rv, page)
	shas := regexp.MustCompile(`class="photo-of[^"]*" id="p\d+" data-sha="([0-9a-f]{64})"`).FindAllStringSubmatch(body, -1)
	if len(shas) != 2 {
		t.Fatalf("%d photos on the individual's page, want its 2:\n%s", len(shas), body)
	}
	if !strings.Contains(body, `class="photo-of matched" id="p1"`) {
		t.Error("the matched photo is not first and marked")
	}
	for _, want := range []string{"215_4321_Ahmad_2013-05-10.png", "215_4321_Ahmad_2013-05-11.png", shas[0][1], shas[1][1], "4321"} {
		if !strings.Contains(body, want) {
			t.Errorf("the individual's page does not show %s", want)
		}
	}
	if strings.Contains(body, "reveal=1") || strings.Count(body, `class="crop blurred"`) != 2 {
		t.Errorf("want two blurred crops and none revealed:\n%s", body)
	}
	body = p.get(t, rv, page+"?reveal="+url.QueryEscape(shas[1][1]+":0"))
	if n := strings.Count(body, "reveal=1"); n != 1 {
		t.Errorf("%d crops revealed, want the one asked for", n)
	}
	crop := "/api/v1/cases/" + w.caseID + "/candidates/" + url.PathEscape(ind) + "/photos/" + shas[1][1] + "/faces/0/crop"
	if code, b := rv.get(crop + "?reveal=1"); code != http.StatusOK || b != "fake crop" { // the fake engine's crop
		t.Errorf("the second photo's crop, revealed: %d %q", code, b)
	}

	// The full photo: a warning first, then the photo with its faces boxed.
	photoPage := page + "/photos/" + shas[0][1]
	body = p.get(t, rv, photoPage)
	if strings.Contains(body, "<img") || !strings.Contains(body, "confirm=1") {
		t.Error("the full photo is shown before the warning is confirmed")
	}
	body = p.get(t, rv, photoPage+"?confirm=1")
	if !strings.Contains(body, `<rect class="matched" data-face="0"`) || !strings.Contains(body, `src="/api/v1/cases/`) {
		t.Errorf("the confirmed full photo has no box on the matched face:\n%s", body)
	}
	if code, _ := rv.get("/api/v1/cases/" + w.caseID + "/candidates/" + url.PathEscape(ind) + "/photos/" + shas[0][1]); code != http.StatusOK {
		t.Errorf("the full photo: %d", code)
	}
	if code, _ := rv.get(page + "/photos/" + strings.Repeat("0", 64)); code != http.StatusNotFound {
		t.Errorf("a photo that is not the candidate's: %d, want 404", code)
	}

	// The API: the same photos, no descriptor; crops of other photos refused.
	code, js := rv.get("/api/v1/cases/" + w.caseID + "/candidates/" + url.PathEscape(ind))
	var v cases.IndividualView
	if err := json.Unmarshal([]byte(js), &v); code != http.StatusOK || err != nil || len(v.Photos) != 2 {
		t.Fatalf("the individual over the API: %d %v %s", code, err, js)
	}
	if strings.Contains(strings.ToLower(js), "descriptor") {
		t.Error("the API hands out a face descriptor")
	}
	other := w.caseOf(t).Candidates
	for _, c := range other {
		if c.Individual != ind {
			if code, _ := rv.get("/api/v1/cases/" + w.caseID + "/candidates/" + url.PathEscape(ind) + "/photos/" + c.Photo); code != http.StatusNotFound {
				t.Errorf("another individual's photo through this one's route: %d, want 404", code)
			}
			break
		}
	}
	if code, _ := rv.get(crop[:len(crop)-len("0/crop")] + "x/crop"); code != http.StatusBadRequest {
		t.Errorf("a face that is not a number: %d, want 400", code)
	}

	// What was shown is counted: two blurred crops' worth, one revealed, one photo.
	shown, err := w.d.Cases.Shown(context.Background(), cases.Actor{Name: "rv", Role: auth.RoleReviewer, Via: auth.ViaSession}, w.caseID)
	if err != nil {
		t.Fatal(err)
	}
	if shown.RevealedCrops < 1 || shown.FullPhotos < 1 {
		t.Errorf("shown %+v: the revealed crop and the full photo are not counted", shown)
	}

	// Outside the case: nothing, not even that the candidate exists.
	if err := w.d.Auth.AddUser(context.Background(), "rv3", auth.RoleReviewer, password); err != nil {
		t.Fatal(err)
	}
	out := w.login(t, "rv3")
	for _, path := range []string{page, photoPage + "?confirm=1", crop, "/api/v1/cases/" + w.caseID + "/candidates/" + url.PathEscape(ind)} {
		if code, _ := out.get(path); code != http.StatusNotFound {
			t.Errorf("%s for a reviewer outside the case: %d, want 404", path, code)
		}
	}
	p.checkCSP(t)
}
