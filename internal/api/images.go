package api

import (
	"net/http"
	"strconv"

	"github.com/facetriage/facetriage/internal/cases"
)

func writeImage(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", http.DetectContentType(b))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// crop serves a candidate's face crop, blurred unless reveal=1 asks
// otherwise, in grey with grey=1.
func (d *Deps) crop(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	b, err := d.Cases.Crop(r.Context(), ActorOf(r), r.PathValue("id"), r.PathValue("individual"),
		cases.CropRequest{Reveal: q.Get("reveal") == "1", Grey: q.Get("grey") == "1"})
	if err != nil {
		d.fail(w, err)
		return
	}
	writeImage(w, b)
}

// fullPhoto serves a candidate's original photo, on explicit request.
func (d *Deps) fullPhoto(w http.ResponseWriter, r *http.Request) {
	b, err := d.Cases.FullPhoto(r.Context(), ActorOf(r), r.PathValue("id"), r.PathValue("individual"))
	if err != nil {
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

// individual lists a candidate's photos with what is known of each.
func (d *Deps) individual(w http.ResponseWriter, r *http.Request) {
	v, err := d.Cases.Individual(r.Context(), ActorOf(r), r.PathValue("id"), r.PathValue("individual"))
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// faceCrop serves the crop of one face of one of a candidate's photos,
// blurred unless reveal=1, in grey with grey=1.
func (d *Deps) faceCrop(w http.ResponseWriter, r *http.Request) {
	index, err := strconv.Atoi(r.PathValue("face"))
	if err != nil {
		index = -1 // refused by the service, after the case's membership
	}
	q := r.URL.Query()
	b, err := d.Cases.FaceCrop(r.Context(), ActorOf(r), r.PathValue("id"), r.PathValue("individual"), r.PathValue("sha"), index,
		cases.CropRequest{Reveal: q.Get("reveal") == "1", Grey: q.Get("grey") == "1"})
	if err != nil {
		d.fail(w, err)
		return
	}
	writeImage(w, b)
}

// photoOf serves one of a candidate's original photos, on explicit request.
func (d *Deps) photoOf(w http.ResponseWriter, r *http.Request) {
	b, err := d.Cases.PhotoOf(r.Context(), ActorOf(r), r.PathValue("id"), r.PathValue("individual"), r.PathValue("sha"))
	if err != nil {
		d.fail(w, err)
		return
	}
	writeImage(w, b)
}
