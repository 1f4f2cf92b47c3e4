package web

import (
	"image"
	"net/http"
	"net/url"
	"strconv"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/cases"
)

// startPick keeps the uploaded photo and sends the caseworker to the page
// where they choose the missing person's face.
func (u *ui) startPick(w http.ResponseWriter, r *http.Request, caseID string, up api.Upload, pe *cases.PickFaceError) {
	p := pendingRef{Case: caseID, User: api.ActorOf(r).Name, Photo: up.Photo, Faces: pe.Faces, Child: up.Child, Old: up.Old}
	p.Width, p.Height = pe.Width, pe.Height
	id := u.pending.put(p)
	http.Redirect(w, r, pickPath(caseID, id), http.StatusSeeOther)
}

func pickPath(caseID, id string) string {
	return casePath(caseID) + "/faces/" + url.PathEscape(id)
}

type pickData struct {
	CaseID, CaseName string
	ImageURL         string
	PostURL          string
	CancelURL        string
	Width, Height    int
	Faces            []faceBox
	Child, Old       bool
	StrokeWidth      int
	FontSize         int
	// Chosen is the face already chosen (by clicking it in the photo:
	// ?face=N), or -1.
	Chosen int
}

func (u *ui) pickPage(w http.ResponseWriter, r *http.Request) {
	caseID, id := r.PathValue("id"), r.PathValue("pending")
	c, err := u.d.Cases.Get(r.Context(), api.ActorOf(r), caseID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	p, ok := u.pending.get(caseID, id, api.ActorOf(r).Name)
	if !ok {
		back(w, r, casePath(caseID), "err", "pick_expired")
		return
	}
	side := max(p.Width, p.Height)
	chosen := -1
	if n, err := strconv.Atoi(r.URL.Query().Get("face")); err == nil && n >= 0 && n < len(p.Faces) {
		chosen = n
	}
	d := pickData{Chosen: chosen, CaseID: caseID, CaseName: c.Name, ImageURL: pickPath(caseID, id) + "/photo", PostURL: pickPath(caseID, id),
		CancelURL: casePath(caseID), Width: p.Width, Height: p.Height, Child: p.Child, Old: p.Old,
		StrokeWidth: max(2, side/250), FontSize: max(14, side/30)}
	for _, f := range p.Faces {
		b := image.Rect(f.Box[0], f.Box[1], f.Box[2], f.Box[3])
		d.Faces = append(d.Faces, newFaceBox(f.Index, b, d.FontSize, d.StrokeWidth, f.Index == chosen))
	}
	v := u.newView(w, r, "pick.title")
	v.Data = d
	u.render(w, http.StatusOK, "pick", v)
}

// pendingPhoto serves the photo awaiting a face choice, to its uploader
// while they still work the case.
func (u *ui) pendingPhoto(w http.ResponseWriter, r *http.Request) {
	a := api.ActorOf(r)
	if err := u.d.Cases.CheckWork(r.Context(), a, r.PathValue("id")); err != nil {
		u.fail(w, r, err)
		return
	}
	p, ok := u.pending.get(r.PathValue("id"), r.PathValue("pending"), a.Name)
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", http.DetectContentType(p.Photo))
	_, _ = w.Write(p.Photo)
}

func (u *ui) pickPost(w http.ResponseWriter, r *http.Request) {
	caseID, id := r.PathValue("id"), r.PathValue("pending")
	if err := u.d.Cases.CheckWork(r.Context(), api.ActorOf(r), caseID); err != nil {
		u.fail(w, r, err)
		return
	}
	p, ok := u.pending.get(caseID, id, api.ActorOf(r).Name)
	if !ok {
		back(w, r, casePath(caseID), "err", "pick_expired")
		return
	}
	face, err := strconv.Atoi(r.PostFormValue("face"))
	if err != nil || face < 0 || face >= len(p.Faces) {
		back(w, r, pickPath(caseID, id), "err", "pick_face")
		return
	}
	if _, err := u.d.Cases.AddReference(r.Context(), api.ActorOf(r), caseID, p.Photo, face, p.Child, p.Old); err != nil {
		u.failBack(w, r, caseID, err)
		return
	}
	u.pending.drop(caseID, id)
	back(w, r, casePath(caseID)+"#references", "msg", "reference_added")
}
