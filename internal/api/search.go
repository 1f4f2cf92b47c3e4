package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

func (d *Deps) healthz(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") }

func (d *Deps) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if err := d.Ready(ctx); err != nil {
		http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

func (d *Deps) metrics(w http.ResponseWriter, r *http.Request) {
	if d.Registry == nil {
		http.Error(w, "no metrics in this process", http.StatusNotFound)
		return
	}
	promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg, kind string) {
	writeJSON(w, code, apiError{Error: msg, Kind: kind})
}

// search takes the photo as the body or as the multipart field "photo",
// and the query parameters top, face, source, branch, from and to.
func (d *Deps) search(w http.ResponseWriter, r *http.Request) {
	req, err := parseSearch(r)
	if err != nil {
		d.fail(w, err)
		return
	}
	res, err := d.Search.Search(r.Context(), ActorOf(r), req)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func parseSearch(r *http.Request) (search.Request, error) {
	q := r.URL.Query()
	req := search.Request{Face: -1, Top: 20}
	if v := q.Get("top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return req, fmt.Errorf("%w: top %q: want 1 to 1000", ErrBadRequest, v)
		}
		req.Top = n
	}
	if v := q.Get("face"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return req, fmt.Errorf("%w: face %q: want a face index, 0 or more", ErrBadRequest, v)
		}
		req.Face = n
	}
	f, err := parseFilter(r)
	if err != nil {
		return req, err
	}
	req.Filter = f
	req.Photo, err = readPhoto(r)
	return req, err
}

func parseFilter(r *http.Request) (vector.Filter, error) {
	q := r.URL.Query()
	var f vector.Filter
	f.Sources, f.Branches = q["source"], q["branch"]
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return f, fmt.Errorf("%w: %s %q: want YYYY-MM-DD", ErrBadRequest, p.name, v)
			}
			*p.t = t
		}
	}
	return f, nil
}

// readPhoto reads an uploaded photo: the multipart field "photo", or the
// body (the guard has bounded both).
func readPhoto(r *http.Request) ([]byte, error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		u, err := ReadUpload(r)
		return u.Photo, err
	}
	return readAllMax(r.Body)
}
