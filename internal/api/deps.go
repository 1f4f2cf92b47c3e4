package api

import (
	"context"
	"log/slog"
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/facetriage/facetriage/internal/accounts"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/ingestjobs"
	"github.com/facetriage/facetriage/internal/search"
)

// Deps are what the routes use: the application services, which hold the
// rules, and what the HTTP layer itself needs.
type Deps struct {
	// Auth says who a request is.
	Auth     *auth.Store
	Accounts *accounts.Service
	Cases    *cases.Service
	Search   *search.Service
	// IngestJobs runs ingest over HTTP.
	IngestJobs *ingestjobs.Service
	// Audit records refused requests, and verifies the trail for admins.
	Audit    *audit.Log
	Registry *prometheus.Registry
	Log      *slog.Logger
	// Ready reports whether the process can do its work.
	Ready func(ctx context.Context) error
	// Secure marks cookies Secure (the API is served over TLS).
	Secure bool
	// PageError answers a refused page request in HTML (the web UI sets
	// it); without it, pages get the JSON answer.
	PageError func(w http.ResponseWriter, r *http.Request, status int, msg string)
	// EnrolPath is the page where a session that must set up a second
	// factor is sent (the web UI sets it).
	EnrolPath string

	logins throttle

	docOnce sync.Once // builds doc, the OpenAPI document of Routes, once
	doc     []byte
	docErr  error
}
