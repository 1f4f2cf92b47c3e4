package web

import (
	"errors"
	"image"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/match"
)

// candView is a candidate as a page shows it, with its links.
type candView struct {
	cases.Candidate
	Rank int
	// Revealed: this page shows the crop unblurred (one at a time).
	Revealed  bool
	CropURL   string
	RevealURL string // the page with this crop revealed
	HideURL   string // the page with every crop blurred
	PhotoURL  string // the full-photo page, behind a warning
	// AllPhotosURL is the page with every photo of the individual.
	AllPhotosURL string
	DecideURL    string
	CanIdentify  bool
}

type refView struct {
	cases.Reference
	URL string
	// A photo of several faces is shown around them all, each boxed and
	// numbered, the chosen one (Chosen, 1-based) marked: View is the SVG
	// viewBox, FontSize and Stroke in the photo's pixels.
	Boxes            []faceBox
	View             string
	Chosen           int
	FontSize, Stroke int
}

// newRefView is a reference as the case page shows it.
func newRefView(caseID string, ref cases.Reference) refView {
	v := refView{Reference: ref, Chosen: ref.Face + 1,
		URL: "/api/v1/cases/" + url.PathEscape(caseID) + "/references/" + url.PathEscape(ref.ID) + "/photo"}
	if len(ref.Faces) < 2 {
		return v
	}
	rects := make([]image.Rectangle, len(ref.Faces))
	for i, b := range ref.Faces {
		rects[i] = b.Rect()
	}
	all := union(rects)
	side := max(all.Dx(), all.Dy(), 1)
	v.FontSize, v.Stroke = max(8, side/6), max(1, side/50)
	v.View = viewBox(all, 0.2)
	for i, r := range rects {
		v.Boxes = append(v.Boxes, newFaceBox(i, r, v.FontSize, v.Stroke, i == ref.Face))
	}
	return v
}

type casePageData struct {
	Case       cases.Case
	Refs       []refView
	Ranked     []candView // on the current shortlist, not excluded: the first ones
	RankedAll  int        // how many are ranked
	More       int        // how many more the MoreURL link shows
	MoreURL    string
	Unlisted   []candView // decided, no longer in the ranking
	Excluded   []candView
	Shown      cases.Shown // what the viewer was shown in this case
	Members    []cases.Member
	Open       bool
	FamilyURL  string
	MatchedAny bool
	// NoneOfThese: no candidate is at least a possible match.
	NoneOfThese bool
	// Weaker counts the weak and unlikely candidates, nobody's lead, not
	// shown unless asked (WeakerURL shows them; Weakest says they are).
	Weaker    int
	WeakerURL string
	Weakest   bool
	// NoneURL is where a reviewer closes the shortlist as none of these.
	NoneURL string
	// People is the archive's size at the last match, for the meanings.
	People string
	// Identified: a candidate is identified (evidence can be exported).
	Identified bool
}

// pageSize is how many candidates a case page shows at first, and how
// many more each "show more" adds: every face shown, even blurred, is
// one more image of the dead that a person sees.
const pageSize = 10

// candCtx is what the candidate template gets.
type candCtx struct {
	V    *view
	C    candView
	Open bool // the case is open: decisions can be made
}

func candContext(v *view, c candView) candCtx {
	d, _ := v.Data.(casePageData)
	return candCtx{V: v, C: c, Open: d.Open}
}

// candidateURL is the path of a candidate's route under a case: the
// individual's key can hold "/" and ":".
func candidateURL(prefix, caseID, individual, tail string) string {
	return prefix + "/cases/" + url.PathEscape(caseID) + "/candidates/" + url.PathEscape(individual) + "/" + tail
}

// cropURL is the API's crop route: blurred unless reveal.
func cropURL(caseID, individual string, reveal, grey bool) string {
	q := url.Values{}
	if reveal {
		q.Set("reveal", "1")
	}
	if grey {
		q.Set("grey", "1")
	}
	return withQuery(candidateURL("/api/v1", caseID, individual, "crop"), q)
}

func (u *ui) casePage(w http.ResponseWriter, r *http.Request) {
	a := api.ActorOf(r)
	c, err := u.d.Cases.Get(r.Context(), a, r.PathValue("id"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	shown, err := u.d.Cases.Shown(r.Context(), a, c.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	reveal := r.URL.Query().Get("reveal")
	show := pageSize
	if n, err := strconv.Atoi(r.URL.Query().Get("show")); err == nil && n > pageSize {
		show = n
	}
	self := casePath(c.ID)
	keep := url.Values{}
	if show > pageSize {
		keep.Set("show", strconv.Itoa(show))
	}
	weaker := r.URL.Query().Get("weaker") == "1"
	if weaker {
		keep.Set("weaker", "1")
	}
	d := casePageData{Case: c, Open: c.Status == cases.StatusOpen, Shown: shown, Members: c.MemberList(),
		FamilyURL: self + "/family", MatchedAny: !c.Matched.IsZero(), NoneOfThese: c.NoneOfThese(), Weakest: weaker,
		WeakerURL: withQuery(self, keep, "weaker", "1") + "#shortlist", NoneURL: self + "/none-of-these",
		People: match.Thousands(c.Archive.Individuals)}
	for _, ref := range c.References {
		d.Refs = append(d.Refs, newRefView(c.ID, ref))
	}
	for _, cd := range c.Candidates {
		d.Identified = d.Identified || cd.Verdict == cases.Identified
		cv := candView{Candidate: cd, Revealed: reveal != "" && reveal == cd.Individual,
			HideURL:      withQuery(self, keep) + "#" + anchor(cd.Individual),
			RevealURL:    withQuery(self, keep, "reveal", cd.Individual) + "#" + anchor(cd.Individual),
			PhotoURL:     candidateURL("", c.ID, cd.Individual, "photo-page"),
			AllPhotosURL: strings.TrimSuffix(candidateURL("", c.ID, cd.Individual, ""), "/"),
			DecideURL:    candidateURL("", c.ID, cd.Individual, "decision"),
			CanIdentify:  cd.Verdict == cases.Possible && a.Role == auth.RoleReviewer && (u.d.Cases.SingleReviewer || cd.MarkedPossibleBy() != a.Name)}
		cv.CropURL = cropURL(c.ID, cd.Individual, cv.Revealed, false)
		switch {
		case cd.Verdict == cases.Excluded:
			d.Excluded = append(d.Excluded, cv)
		case !cd.Listed:
			d.Unlisted = append(d.Unlisted, cv)
		default:
			cv.Rank = d.RankedAll + 1
			d.RankedAll++
			if !weaker && !lead(cd) {
				d.Weaker++ // every face shown, even blurred, is one more image of the dead
				continue
			}
			if len(d.Ranked) < show {
				d.Ranked = append(d.Ranked, cv)
			} else {
				d.More++
			}
		}
	}
	if d.More > 0 {
		d.MoreURL = withQuery(self, keep, "show", strconv.Itoa(show+pageSize)) + "#shortlist"
		d.More = min(pageSize, d.More)
	}
	v := u.newView(w, r, "case.title")
	v.Title = c.Name
	v.Data = d
	u.render(w, http.StatusOK, "case", v)
}

// lead reports whether a candidate is shown without asking: at least a
// possible match, flagged by a standing search, or decided on.
func lead(cd cases.Candidate) bool {
	return cd.Strength == match.Strong || cd.Strength == match.Possible || cd.Flagged || cd.Verdict != cases.New
}

// nonePost is a reviewer's word on the whole shortlist: none of these.
func (u *ui) nonePost(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := u.d.Cases.NoneOfThese(r.Context(), api.ActorOf(r), id, r.PostFormValue("reason")); err != nil {
		u.failBack(w, r, id, err)
		return
	}
	back(w, r, casePath(id)+"#shortlist", "msg", "none_of_these")
}

// anchor is an element id for a candidate.
func anchor(individual string) string {
	return "c-" + strings.NewReplacer("/", "_", ":", "_", " ", "_").Replace(individual)
}

func (u *ui) addReference(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := u.d.Cases.CheckWork(r.Context(), api.ActorOf(r), id); err != nil {
		u.fail(w, r, err) // a case that is not yours is not there, whatever the upload
		return
	}
	up, err := api.ReadUpload(r)
	if err != nil {
		back(w, r, casePath(id), "err", "photo_missing")
		return
	}
	_, err = u.d.Cases.AddReference(r.Context(), api.ActorOf(r), id, up.Photo, up.Face, up.Child, up.Old)
	var pe *cases.PickFaceError
	switch {
	case err == nil:
		back(w, r, casePath(id)+"#references", "msg", "reference_added")
	case errors.As(err, &pe):
		u.startPick(w, r, id, up, pe)
	default:
		u.failBack(w, r, id, err)
	}
}

// removeReference takes a reference photo added by mistake off the case.
func (u *ui) removeReference(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := u.d.Cases.RemoveReference(r.Context(), api.ActorOf(r), id, r.PathValue("ref"), r.PostFormValue("reason")); err != nil {
		u.failBack(w, r, id, err)
		return
	}
	back(w, r, casePath(id)+"#references", "msg", "reference_removed")
}

// membersPost shares the case with someone, stops sharing it, or
// reassigns it to another caseworker.
func (u *ui) membersPost(w http.ResponseWriter, r *http.Request) {
	id, a := r.PathValue("id"), api.ActorOf(r)
	if err := u.d.Cases.CheckWork(r.Context(), a, id); err != nil {
		u.fail(w, r, err) // a case that is not yours is not there, whatever the form says
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	var err error
	do := r.PostFormValue("do")
	switch do {
	case "share":
		_, err = u.d.Cases.Share(r.Context(), a, id, name, auth.Role(r.PostFormValue("role")))
	case "unshare":
		_, err = u.d.Cases.Unshare(r.Context(), a, id, name)
	case "reassign":
		_, err = u.d.Cases.Reassign(r.Context(), a, id, name, r.PostFormValue("leave") != "")
	default:
		err = api.ErrBadRequest
	}
	if err != nil {
		u.failBack(w, r, id, err)
		return
	}
	if do == "reassign" && r.PostFormValue("leave") != "" {
		back(w, r, "/cases", "msg", "case_reassigned")
		return
	}
	back(w, r, casePath(id)+"#members", "msg", "case_"+do)
}

// failBack returns to the case page with the error's message, or shows
// the error page when the error is not one a person can act on.
func (u *ui) failBack(w http.ResponseWriter, r *http.Request, caseID string, err error) {
	status, key := errorKey(err)
	if status == http.StatusInternalServerError || status == http.StatusNotFound {
		u.fail(w, r, err)
		return
	}
	back(w, r, casePath(caseID), "err", key)
}

func (u *ui) matchPost(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := u.d.Cases.Match(r.Context(), api.ActorOf(r), id); err != nil {
		u.failBack(w, r, id, err)
		return
	}
	back(w, r, casePath(id)+"#shortlist", "msg", "matched")
}

func (u *ui) decidePost(w http.ResponseWriter, r *http.Request) {
	id, individual := r.PathValue("id"), r.PathValue("individual")
	verdict := cases.Verdict(r.PostFormValue("verdict"))
	reason := r.PostFormValue("reason")
	if _, err := u.d.Cases.Decide(r.Context(), api.ActorOf(r), id, individual, verdict, reason); err != nil {
		u.failBack(w, r, id, err)
		return
	}
	back(w, r, casePath(id)+"#shortlist", "msg", "decided_"+string(verdict))
}

type photoPageData struct {
	Candidate  cases.Candidate
	CaseID     string
	Confirmed  bool
	ConfirmURL string
	PhotoURL   string
	BackURL    string
}

// photoPage shows a candidate's full photo, only after a warning and an
// explicit confirmation.
func (u *ui) photoPage(w http.ResponseWriter, r *http.Request) {
	a := api.ActorOf(r)
	c, err := u.d.Cases.Get(r.Context(), a, r.PathValue("id"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	cd, ok := c.Candidate(r.PathValue("individual"))
	if !ok {
		u.fail(w, r, cases.ErrNoCandidate)
		return
	}
	q := r.URL.Query()
	from := casePath(c.ID) + "#" + anchor(cd.Individual)
	if q.Get("from") == "family" {
		if !cases.ForFamily(*cd) {
			u.fail(w, r, cases.ErrNoCandidate) // family viewing shows only possible matches
			return
		}
		from = casePath(c.ID) + "/family?agree=1"
	}
	d := photoPageData{Candidate: *cd, CaseID: c.ID, Confirmed: q.Get("confirm") == "1",
		ConfirmURL: withQuery(r.URL.EscapedPath(), q, "confirm", "1", "lang", ""),
		PhotoURL:   candidateURL("/api/v1", c.ID, cd.Individual, "photo"), BackURL: from}
	v := u.newView(w, r, "photo.title")
	if q.Get("from") == "family" {
		v = u.familyView(w, r, "photo.title", c.ID)
	}
	v.Data = d
	u.render(w, http.StatusOK, "photo", v)
}
