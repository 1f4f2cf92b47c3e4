package api

import (
	"errors"
	"net/http"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/cases"
)

func writeImage(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", http.DetectContentType(b))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// candidate finds a case's candidate named in the path.
func (d *Deps) candidate(r *http.Request) (cases.Case, cases.Candidate, error) {
	c, err := d.Cases.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return c, cases.Candidate{}, err
	}
	cd, ok := c.Candidate(r.PathValue("individual"))
	if !ok {
		return c, cases.Candidate{}, cases.ErrNoCandidate
	}
	return c, *cd, nil
}

// crop serves a candidate's face crop, blurred unless reveal=1 asks
// otherwise, in grey with grey=1. Every image shown is audited and counted.
func (d *Deps) crop(w http.ResponseWriter, r *http.Request) {
	c, cd, err := d.candidate(r)
	if err != nil {
		d.fail(w, err)
		return
	}
	b, err := d.Catalog.Crop(r.Context(), archive.CropName(cd.Photo, cd.Face))
	if err != nil {
		if errors.Is(err, archive.ErrNotFound) {
			d.fail(w, cases.ErrNotFound)
			return
		}
		d.fail(w, err)
		return
	}
	reveal, grey := r.URL.Query().Get("reveal") == "1", r.URL.Query().Get("grey") == "1"
	if !reveal || grey {
		if b, err = d.Blur(b, grey, !reveal); err != nil {
			d.fail(w, err)
			return
		}
	}
	if err := d.Cases.CountShown(r.Context(), ActorOf(r), c.ID, "crop", cd.Individual, reveal); err != nil {
		d.fail(w, err)
		return
	}
	writeImage(w, b)
}

// fullPhoto serves a candidate's original photo, read where it lies and
// checked against its SHA-256: only on explicit request.
func (d *Deps) fullPhoto(w http.ResponseWriter, r *http.Request) {
	c, cd, err := d.candidate(r)
	if err != nil {
		d.fail(w, err)
		return
	}
	p, err := d.Catalog.Photo(r.Context(), cd.Photo)
	if err != nil {
		d.fail(w, err)
		return
	}
	var b []byte
	for _, path := range p.Paths {
		if b, err = archive.ReadOriginal(path, cd.Photo, cases.MaxOriginal); err == nil {
			break
		}
	}
	if b == nil {
		d.fail(w, err)
		return
	}
	if err := d.Cases.CountShown(r.Context(), ActorOf(r), c.ID, "photo", cd.Photo, true); err != nil {
		d.fail(w, err)
		return
	}
	writeImage(w, b)
}

func (d *Deps) referencePhoto(w http.ResponseWriter, r *http.Request) {
	b, err := d.Cases.ReferencePhoto(r.Context(), ActorOf(r), r.PathValue("id"), r.PathValue("ref"))
	if err != nil {
		d.fail(w, err)
		return
	}
	writeImage(w, b)
}
