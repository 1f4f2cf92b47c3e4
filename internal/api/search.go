// Package api is facetriage's HTTP API: health, readiness, Prometheus
// metrics, and search by photo.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

// MaxUpload bounds a search photo.
const MaxUpload = 32 << 20

// Server serves the API.
type Server struct {
	Searcher *search.Searcher
	// Ready reports whether the process can do its work.
	Ready    func(ctx context.Context) error
	Registry *prometheus.Registry
	Log      *slog.Logger
}

// Handler returns the routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("POST /api/v1/search", s.search)
	return mux
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if err := s.Ready(ctx); err != nil {
		http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
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

// search takes the photo as the body (any image type) or as the multipart
// field "photo", and the query parameters top, face, source, branch, from
// and to (YYYY-MM-DD).
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	req, err := parseSearch(r)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{Error: err.Error()})
		return
	}
	res, err := s.Searcher.Search(r.Context(), req)
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, res)
	case errors.Is(err, search.ErrNoFace), errors.Is(err, search.ErrNoSuchFace), engine.IsPermanent(err):
		kind := pipeline.ErrorKind(err)
		if errors.Is(err, search.ErrNoFace) {
			kind = "no_face"
		}
		writeJSON(w, http.StatusUnprocessableEntity, apiError{Error: err.Error(), Kind: kind})
	case errors.Is(err, vector.ErrBadQuery):
		writeJSON(w, http.StatusBadRequest, apiError{Error: err.Error()})
	default:
		s.Log.Error("search failed", "err", err)
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "search failed: " + err.Error()})
	}
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
	if v := q["source"]; len(v) > 0 {
		req.Filter.Sources = v
	}
	if v := q["branch"]; len(v) > 0 {
		req.Filter.Branches = v
	}
	for _, d := range []struct {
		name string
		t    *time.Time
	}{{"from", &req.Filter.From}, {"to", &req.Filter.To}} {
		if v := q.Get(d.name); v != "" {
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				return req, fmt.Errorf("%s %q: want YYYY-MM-DD", d.name, v)
			}
			*d.t = t
		}
	}
	body := io.Reader(http.MaxBytesReader(nil, r.Body, MaxUpload))
	if ct := r.Header.Get("Content-Type"); len(ct) >= 19 && ct[:19] == "multipart/form-data" {
		f, _, err := r.FormFile("photo")
		if err != nil {
			return req, fmt.Errorf("multipart field \"photo\": %w", err)
		}
		defer f.Close()
		body = io.LimitReader(f, MaxUpload+1)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return req, fmt.Errorf("reading the photo: %w", err)
	}
	if len(data) > MaxUpload {
		return req, fmt.Errorf("photo larger than %d bytes", MaxUpload)
	}
	req.Photo = data
	return req, nil
}
