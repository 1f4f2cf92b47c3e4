package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/facetriage/facetriage/internal/cases"
)

// decodeJSON reads a JSON body (the guard has bounded it) into v, refusing
// unknown fields.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	return nil
}

// caseSummary is a case in a list.
type caseSummary struct {
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	Status     cases.Status `json:"status"`
	Owner      string       `json:"owner"`
	References int          `json:"references"`
	Candidates int          `json:"candidates"`
	Flagged    int          `json:"flagged"`
}

func (d *Deps) listCases(w http.ResponseWriter, r *http.Request) {
	cs, err := d.Cases.List(r.Context(), ActorOf(r))
	if err != nil {
		d.fail(w, err)
		return
	}
	out := make([]caseSummary, 0, len(cs))
	for _, c := range cs {
		out = append(out, caseSummary{c.ID, c.Name, c.Status, c.Owner, len(c.References), len(c.Candidates), c.Flagged()})
	}
	writeJSON(w, http.StatusOK, out)
}

func (d *Deps) createCase(w http.ResponseWriter, r *http.Request) {
	var f cases.Fields
	if err := decodeJSON(r, &f); err != nil {
		d.fail(w, err)
		return
	}
	c, err := d.Cases.Create(r.Context(), ActorOf(r), f)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (d *Deps) getCase(w http.ResponseWriter, r *http.Request) {
	c, err := d.Cases.Get(r.Context(), ActorOf(r), r.PathValue("id"))
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (d *Deps) updateCase(w http.ResponseWriter, r *http.Request) {
	var f cases.Fields
	if err := decodeJSON(r, &f); err != nil {
		d.fail(w, err)
		return
	}
	c, err := d.Cases.Update(r.Context(), ActorOf(r), r.PathValue("id"), f)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (d *Deps) setStatus(w http.ResponseWriter, r *http.Request) {
	var body statusRequest
	if err := decodeJSON(r, &body); err != nil {
		d.fail(w, err)
		return
	}
	c, err := d.Cases.SetStatus(r.Context(), ActorOf(r), r.PathValue("id"), body.Status)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (d *Deps) share(w http.ResponseWriter, r *http.Request) {
	var body shareRequest
	if err := decodeJSON(r, &body); err != nil {
		d.fail(w, err)
		return
	}
	c, err := d.Cases.Share(r.Context(), ActorOf(r), r.PathValue("id"), body.Name, body.Role)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (d *Deps) unshare(w http.ResponseWriter, r *http.Request) {
	c, err := d.Cases.Unshare(r.Context(), ActorOf(r), r.PathValue("id"), r.PathValue("name"))
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (d *Deps) reassign(w http.ResponseWriter, r *http.Request) {
	var body reassignRequest
	if err := decodeJSON(r, &body); err != nil {
		d.fail(w, err)
		return
	}
	c, err := d.Cases.Reassign(r.Context(), ActorOf(r), r.PathValue("id"), body.To, body.Leave)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// Upload is a reference photo from a multipart form (the guard has parsed
// it within the route's limit).
type Upload struct {
	Photo      []byte
	Face       int // -1: not chosen
	Child, Old bool
}

// ReadUpload reads the multipart fields photo, face, child and old; shared
// by the API and the case page.
func ReadUpload(r *http.Request) (Upload, error) {
	u := Upload{Face: -1, Child: r.FormValue("child") != "", Old: r.FormValue("old") != ""}
	f, _, err := r.FormFile("photo")
	if err != nil {
		return u, fmt.Errorf("%w: multipart field \"photo\": %v", cases.ErrInvalid, err)
	}
	defer f.Close()
	if u.Photo, err = readAllMax(f); err != nil {
		return u, err
	}
	if v := r.FormValue("face"); v != "" {
		if u.Face, err = strconv.Atoi(v); err != nil || u.Face < 0 {
			return u, fmt.Errorf("%w: face %q", cases.ErrInvalid, v)
		}
	}
	return u, nil
}

// readAllMax reads a photo of at most MaxUpload bytes.
func readAllMax(rd io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(rd, MaxUpload+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: reading the photo: %v", ErrBadRequest, err)
	case len(data) > MaxUpload:
		return nil, fmt.Errorf("%w: a photo of more than %d bytes", ErrTooLarge, MaxUpload)
	case len(data) == 0:
		return nil, fmt.Errorf("%w: no photo", cases.ErrInvalid)
	}
	return data, nil
}

func (d *Deps) addReference(w http.ResponseWriter, r *http.Request) {
	if err := d.Cases.CheckWork(r.Context(), ActorOf(r), r.PathValue("id")); err != nil {
		d.fail(w, err) // a case that is not yours is not there, whatever the upload
		return
	}
	u, err := ReadUpload(r)
	if err != nil {
		d.fail(w, err)
		return
	}
	c, err := d.Cases.AddReference(r.Context(), ActorOf(r), r.PathValue("id"), u.Photo, u.Face, u.Child, u.Old)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (d *Deps) removeReference(w http.ResponseWriter, r *http.Request) {
	var body reasonRequest
	if err := decodeJSON(r, &body); err != nil {
		d.fail(w, err)
		return
	}
	c, err := d.Cases.RemoveReference(r.Context(), ActorOf(r), r.PathValue("id"), r.PathValue("ref"), body.Reason)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (d *Deps) matchCase(w http.ResponseWriter, r *http.Request) {
	c, err := d.Cases.Match(r.Context(), ActorOf(r), r.PathValue("id"))
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (d *Deps) decide(w http.ResponseWriter, r *http.Request) {
	var body decisionRequest
	if err := decodeJSON(r, &body); err != nil {
		d.fail(w, err)
		return
	}
	c, err := d.Cases.Decide(r.Context(), ActorOf(r), r.PathValue("id"), r.PathValue("individual"), body.Verdict, body.Reason)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (d *Deps) noneOfThese(w http.ResponseWriter, r *http.Request) {
	var body reasonRequest
	if err := decodeJSON(r, &body); err != nil {
		d.fail(w, err)
		return
	}
	c, err := d.Cases.NoneOfThese(r.Context(), ActorOf(r), r.PathValue("id"), body.Reason)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (d *Deps) shown(w http.ResponseWriter, r *http.Request) {
	sh, err := d.Cases.Shown(r.Context(), ActorOf(r), r.PathValue("id"))
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, sh)
}

func (d *Deps) family(w http.ResponseWriter, r *http.Request) {
	v, err := d.Cases.Family(r.Context(), ActorOf(r), r.PathValue("id"))
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (d *Deps) export(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	started := false
	err := d.Cases.Export(r.Context(), ActorOf(r), id, func() io.Writer {
		started = true
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "evidence-"+id+".zip"))
		return w
	})
	switch {
	case err == nil:
	case !started:
		d.fail(w, err)
	default:
		d.Log.Error("export failed", "case", id, "err", err) // headers are gone: log it
	}
}
