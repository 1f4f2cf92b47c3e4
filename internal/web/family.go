package web

import (
	"net/http"
	"net/url"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/cases"
)

type familyCand struct {
	Individual string
	Number     string
	Photos     int
	Verdict    cases.Verdict
	Position   int
	Revealed   bool
	CropURL    string
	RevealURL  string
	HideURL    string
	PhotoURL   string
	Anchor     string
}

type familyData struct {
	CaseID, Name string
	Candidates   []familyCand
	Grey         bool
	GreyURL      string // toggles greyscale
	ContinueURL  string
	BackURL      string
}

// familyPage is family viewing: a content warning first; then only the
// candidates a reviewer marked possible (or identified), blurred until
// revealed one at a time, optionally in greyscale. It shows no archive
// path and no distance.
func (u *ui) familyPage(w http.ResponseWriter, r *http.Request) {
	fv, err := u.d.Cases.Family(r.Context(), api.ActorOf(r), r.PathValue("id"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	self := casePath(fv.Case) + "/family"
	d := familyData{CaseID: fv.Case, Name: fv.Name, Grey: q.Get("grey") == "1", BackURL: casePath(fv.Case),
		ContinueURL: withQuery(self, url.Values{"agree": {"1"}})}
	// The warning comes first, when there is something to warn about.
	if q.Get("agree") != "1" && len(fv.Candidates) > 0 {
		v := u.familyView(w, r, "family.warning_title", fv.Case)
		v.Data = d
		u.render(w, http.StatusOK, "family_warning", v)
		return
	}
	base := url.Values{"agree": {"1"}}
	if d.Grey {
		base.Set("grey", "1")
	}
	toggle := "1"
	if d.Grey {
		toggle = ""
	}
	d.GreyURL = withQuery(self, base, "grey", toggle)
	reveal := q.Get("reveal")
	for _, cd := range fv.Candidates {
		fc := familyCand{Individual: cd.Individual, Number: cd.Number, Photos: cd.Photos, Verdict: cd.Verdict, Position: len(d.Candidates) + 1,
			Revealed: reveal != "" && reveal == cd.Individual, Anchor: anchor(cd.Individual),
			PhotoURL: withQuery(candidateURL("", fv.Case, cd.Individual, "photo-page"), url.Values{"from": {"family"}})}
		fc.CropURL = cropURL(fv.Case, cd.Individual, fc.Revealed, d.Grey)
		fc.RevealURL = withQuery(self, base, "reveal", cd.Individual) + "#" + fc.Anchor
		fc.HideURL = withQuery(self, base) + "#" + fc.Anchor
		d.Candidates = append(d.Candidates, fc)
	}
	v := u.familyView(w, r, "family.title", fv.Case)
	v.Data = d
	u.render(w, http.StatusOK, "family", v)
}

// familyView is the view of a family-viewing screen: its own frame, with
// one way back to the case.
func (u *ui) familyView(w http.ResponseWriter, r *http.Request, title, caseID string) *view {
	v := u.newView(w, r, title)
	v.Family, v.ExitURL = true, casePath(caseID)
	return v
}
