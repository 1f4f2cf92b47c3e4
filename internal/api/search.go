package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

// MaxUpload bounds an uploaded photo.
const MaxUpload = 32 << 20

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

// apiError is the body of every error response.
type apiError struct {
	Error string `json:"error"`
	Kind  string `json:"kind,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg, kind string) {
	writeJSON(w, code, apiError{Error: msg, Kind: kind})
}

func photoErrorKind(err error) string {
	if errors.Is(err, search.ErrNoFace) {
		return "no_face"
	}
	if errors.Is(err, search.ErrNoSuchFace) {
		return "no_such_face"
	}
	return pipeline.ErrorKind(err)
}

// search takes the photo as the body or as the multipart field "photo",
// and the query parameters top, face, source, branch, from and to.
func (d *Deps) search(w http.ResponseWriter, r *http.Request) {
	req, err := parseSearch(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), "invalid")
		return
	}
	res, err := d.Searcher.Search(r.Context(), req)
	if err != nil {
		if errors.Is(err, vector.ErrBadQuery) {
			writeError(w, http.StatusBadRequest, err.Error(), "invalid")
			return
		}
		d.fail(w, err)
		return
	}
	a := ActorOf(r)
	if _, err := d.Audit.Append(r.Context(), audit.Event{Actor: a.Name, Role: a.Role, Action: "search",
		Detail: map[string]string{"top": strconv.Itoa(req.Top), "results": strconv.Itoa(len(res.Candidates))}}); err != nil {
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
			return req, fmt.Errorf("top %q: want 1 to 1000", v)
		}
		req.Top = n
	}
	if v := q.Get("face"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return req, fmt.Errorf("face %q: want a face index, 0 or more", v)
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
				return f, fmt.Errorf("%s %q: want YYYY-MM-DD", p.name, v)
			}
			*p.t = t
		}
	}
	return f, nil
}

// readPhoto reads an uploaded photo: the multipart field "photo", or the body.
func readPhoto(r *http.Request) ([]byte, error) {
	body := io.Reader(http.MaxBytesReader(nil, r.Body, MaxUpload+1<<20))
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		f, _, err := r.FormFile("photo")
		if err != nil {
			return nil, fmt.Errorf("multipart field \"photo\": %w", err)
		}
		defer f.Close()
		body = f
	}
	data, err := io.ReadAll(io.LimitReader(body, MaxUpload+1))
	if err != nil {
		return nil, fmt.Errorf("reading the photo: %w", err)
	}
	if len(data) > MaxUpload {
		return nil, fmt.Errorf("photo larger than %d bytes", MaxUpload)
	}
	if len(data) == 0 {
		return nil, errors.New("no photo")
	}
	return data, nil
}
