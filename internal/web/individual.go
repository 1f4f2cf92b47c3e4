package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/cases"
)

// individualData is a candidate's page: every photo of the individual,
// its own faces as crops, blurred until one is revealed.
type individualData struct {
	CaseID  string
	Cand    cases.Candidate
	Photos  []photoOfView
	BackURL string
}

// photoOfView is one photo on an individual's page.
type photoOfView struct {
	cases.PhotoView
	Matched  bool // the photo of the face the search found nearest
	Crops    []faceCropView
	PageURL  string // the full photo, behind a warning
	Others   int    // faces of other people in the photo
	Position int
}

// faceCropView is one of the individual's faces in a photo.
type faceCropView struct {
	cases.FaceView
	URL, RevealURL, HideURL string
	Revealed                bool
}

// individualPage shows every photo of a candidate: crops first, blurred.
func (u *ui) individualPage(w http.ResponseWriter, r *http.Request) {
	id, individual := r.PathValue("id"), r.PathValue("individual")
	iv, err := u.d.Cases.Individual(r.Context(), api.ActorOf(r), id, individual)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	self := strings.TrimSuffix(candidateURL("", id, individual, ""), "/")
	reveal := r.URL.Query().Get("reveal")
	d := individualData{CaseID: id, Cand: iv.Candidate, BackURL: casePath(id) + "#" + anchor(individual)}
	for i, p := range iv.Photos {
		pv := photoOfView{PhotoView: p, Position: i + 1,
			PageURL: candidateURL("", id, individual, "photos/"+url.PathEscape(p.SHA256))}
		for _, f := range p.Faces {
			pv.Matched = pv.Matched || f.Matched
			if !f.Own && !f.Matched {
				pv.Others++
				continue
			}
			key := p.SHA256 + ":" + strconv.Itoa(f.Index)
			cv := faceCropView{FaceView: f, Revealed: reveal == key,
				RevealURL: withQuery(self, nil, "reveal", key) + "#p" + strconv.Itoa(i+1),
				HideURL:   self + "#p" + strconv.Itoa(i+1)}
			cv.URL = faceCropURL(id, individual, p.SHA256, f.Index, cv.Revealed)
			pv.Crops = append(pv.Crops, cv)
		}
		d.Photos = append(d.Photos, pv)
	}
	v := u.newView(w, r, "individual.title")
	v.Data = d
	u.render(w, http.StatusOK, "individual", v)
}

// faceCropURL is the API's route for the crop of one face of a photo.
func faceCropURL(caseID, individual, sha string, index int, reveal bool) string {
	q := url.Values{}
	if reveal {
		q.Set("reveal", "1")
	}
	return withQuery(candidateURL("/api/v1", caseID, individual, "photos/"+url.PathEscape(sha)+"/faces/"+strconv.Itoa(index)+"/crop"), q)
}

// photoOfData is one of a candidate's full photos, behind a warning, with
// the individual's faces boxed and the others outlined.
type photoOfData struct {
	Photo      cases.PhotoView
	Confirmed  bool
	ConfirmURL string
	PhotoURL   string
	BackURL    string
}

// photoOfPage shows one of a candidate's photos after a warning and an
// explicit confirmation, the matched face boxed.
func (u *ui) photoOfPage(w http.ResponseWriter, r *http.Request) {
	id, individual, sha := r.PathValue("id"), r.PathValue("individual"), r.PathValue("sha")
	iv, err := u.d.Cases.Individual(r.Context(), api.ActorOf(r), id, individual)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	var d photoOfData
	found := false
	for _, p := range iv.Photos {
		if p.SHA256 == sha {
			d.Photo, found = p, true
		}
	}
	if !found {
		u.fail(w, r, cases.ErrNotFound)
		return
	}
	q := r.URL.Query()
	d.Confirmed = q.Get("confirm") == "1"
	d.ConfirmURL = withQuery(r.URL.EscapedPath(), q, "confirm", "1", "lang", "")
	d.PhotoURL = candidateURL("/api/v1", id, individual, "photos/"+url.PathEscape(sha))
	d.BackURL = strings.TrimSuffix(candidateURL("", id, individual, ""), "/")
	v := u.newView(w, r, "photo.title")
	v.Data = d
	u.render(w, http.StatusOK, "photo_of", v)
}
