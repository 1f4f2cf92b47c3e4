package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/facetriage/facetriage/internal/cases"
)

func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", cases.ErrInvalid, err)
	}
	return nil
}

func (d *Deps) listCases(w http.ResponseWriter, r *http.Request) {
	cs, err := d.Cases.List(r.Context())
	if err != nil {
		d.fail(w, err)
		return
	}
	type summary struct {
		ID, Name, Status, Owner string
		References, Candidates  int
		Flagged                 int
	}
	out := make([]summary, 0, len(cs))
	for _, c := range cs {
		out = append(out, summary{c.ID, c.Name, string(c.Status), c.Owner, len(c.References), len(c.Candidates), c.Flagged()})
	}
	writeJSON(w, http.StatusOK, out)
}

func (d *Deps) createCase(w http.ResponseWriter, r *http.Request) {
	var f cases.Fields
	if err := decodeJSON(w, r, &f); err != nil {
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
	c, err := d.Cases.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (d *Deps) updateCase(w http.ResponseWriter, r *http.Request) {
	var f cases.Fields
	if err := decodeJSON(w, r, &f); err != nil {
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
	var body struct {
		Status cases.Status `json:"status"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
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

// AddReference reads the multipart form (photo, face, child, old) and adds
// the reference; shared by the API and the case page.
func (d *Deps) AddReference(r *http.Request) (cases.Case, error) {
	photo, err := readPhoto(r)
	if err != nil {
		return cases.Case{}, fmt.Errorf("%w: %v", cases.ErrInvalid, err)
	}
	face := -1
	if v := r.FormValue("face"); v != "" {
		if face, err = strconv.Atoi(v); err != nil || face < 0 {
			return cases.Case{}, fmt.Errorf("%w: face %q", cases.ErrInvalid, v)
		}
	}
	return d.Cases.AddReference(r.Context(), ActorOf(r), r.PathValue("id"), photo, face,
		r.FormValue("child") != "", r.FormValue("old") != "")
}

func (d *Deps) addReference(w http.ResponseWriter, r *http.Request) {
	c, err := d.AddReference(r)
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
	var body struct {
		Verdict cases.Verdict `json:"verdict"`
		Reason  string        `json:"reason"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
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

// FamilyView is what family viewing shows: the candidates a reviewer
// marked possible, and nothing else.
type FamilyView struct {
	Case       string            `json:"case"`
	Name       string            `json:"name"`
	Warning    string            `json:"warning"`
	Candidates []cases.Candidate `json:"candidates"`
}

// ContentWarning is shown before anything graphic.
const ContentWarning = "The following images show people who died in detention. They may be distressing. Images are blurred until you choose to reveal each one."

// Family returns the family view of a case.
func (d *Deps) Family(r *http.Request) (FamilyView, error) {
	c, err := d.Cases.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return FamilyView{}, err
	}
	v := FamilyView{Case: c.ID, Name: c.Name, Warning: ContentWarning, Candidates: []cases.Candidate{}}
	for _, cd := range c.Candidates {
		if cd.Verdict == cases.Possible || cd.Verdict == cases.Identified {
			v.Candidates = append(v.Candidates, cd)
		}
	}
	return v, nil
}

func (d *Deps) family(w http.ResponseWriter, r *http.Request) {
	v, err := d.Family(r)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (d *Deps) export(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	c, err := d.Cases.Get(r.Context(), id)
	if err != nil {
		d.fail(w, err)
		return
	}
	identified := false
	for _, cd := range c.Candidates {
		identified = identified || cd.Verdict == cases.Identified
	}
	if !identified {
		d.fail(w, cases.ErrNotIdentified)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "evidence-"+id+".zip"))
	if err := d.Cases.Export(r.Context(), ActorOf(r), id, d.Catalog, d.Audit, w); err != nil {
		if errors.Is(err, cases.ErrNotIdentified) {
			d.fail(w, err)
			return
		}
		d.Log.Error("export failed", "case", id, "err", err) // headers are gone: log it
	}
}
