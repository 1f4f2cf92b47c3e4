package api

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/search"
)

// Deps are the services the routes use.
type Deps struct {
	Auth     *auth.Store
	Audit    *audit.Log
	Cases    *cases.Service
	Searcher *search.Searcher
	Catalog  *archive.Catalogue
	Registry *prometheus.Registry
	Log      *slog.Logger
	// Ready reports whether the process can do its work.
	Ready func(ctx context.Context) error
	// Blur makes a face crop grey and/or blurred (imaging.Obscure).
	Blur func(jpeg []byte, grey, blur bool) ([]byte, error)
	// Secure marks cookies Secure (the API is served over TLS).
	Secure bool
	// PageError answers a refused page request in HTML (the web UI sets
	// it); without it, pages get the JSON answer.
	PageError func(w http.ResponseWriter, r *http.Request, status int, msg string)

	all    []Route // every route served, for the OpenAPI document
	logins throttle
}
