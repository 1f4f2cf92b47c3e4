// Package casework assembles the application services — accounts, cases,
// search, ingest jobs over HTTP — and the audit trail they write to, over one JetStream, as the
// dependencies of the HTTP API and the web UI. The embedded and scale-out
// modes and the tests all build them here, so they are wired one way.
package casework

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/facetriage/facetriage/internal/accounts"
	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/ingestjobs"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

// Parts are what the services are built from.
type Parts struct {
	JS       jetstream.JetStream
	Replicas int
	Engine   search.Engine
	Store    vector.Store
	Catalog  *archive.Catalogue
	// Blur makes a face crop grey and/or blurred (goimg.Obscure).
	Blur func(jpeg []byte, grey, blur bool) ([]byte, error)
	Auth auth.Options
	// Audit is the trail, opened with its head file (app.OpenAudit);
	// without one, it is opened here, without a head file (tests).
	Audit *audit.Log
	// SigningKey signs evidence exports.
	SigningKey ed25519.PrivateKey
	// SingleReviewer: one reviewer may identify alone (cases.Service).
	SingleReviewer bool
	// Normalise: the words read the normalised score (search.Searcher).
	Normalise bool
	// UploadDir keeps the uploads of ingest over HTTP ("" turns it off).
	UploadDir string
	// Storage pauses an ingest job while the store cannot write.
	Storage ingest.Storage
	// Patterns are the file-name patterns for the decode stage.
	Patterns []string
	Registry *prometheus.Registry
	Log      *slog.Logger
}

// Open opens the buckets and the audit trail and builds the services.
func Open(ctx context.Context, p Parts) (*api.Deps, error) {
	trail := p.Audit
	if trail == nil {
		var err error
		if trail, err = audit.Open(ctx, p.JS, p.Replicas); err != nil {
			return nil, err
		}
	}
	lg := countingAuditor(trail, p.Registry) // logins and searches, counted as they are audited
	o := p.Auth
	o.Replicas = p.Replicas
	as, err := auth.OpenWith(ctx, p.JS, o)
	if err != nil {
		return nil, err
	}
	cs, err := cases.Open(ctx, p.JS, p.Replicas)
	if err != nil {
		return nil, err
	}
	searcher := &search.Searcher{Engine: p.Engine, Store: p.Store, Catalogue: p.Catalog, Normalise: p.Normalise}
	cs.Engine, cs.Ranker, cs.Audit, cs.Archive, cs.Accounts, cs.Trail, cs.Blur = p.Engine, searcher, lg, p.Catalog, as, trail, p.Blur
	cs.SigningKey, cs.SingleReviewer = p.SigningKey, p.SingleReviewer
	log := p.Log
	if log == nil {
		log = slog.Default()
	}
	jobs, err := ingestjobs.Open(ctx, ingestjobs.Config{
		Ingester: &ingest.Ingester{Publisher: bus.Publisher{JS: p.JS}, Catalogue: p.Catalog},
		Failures: p.Catalog, JS: p.JS, Replicas: p.Replicas, Audit: lg, Dir: p.UploadDir, Storage: p.Storage,
		Patterns: p.Patterns, Log: log,
		AfterIndexed: func(ctx context.Context) error { _, err := cs.Rematch(ctx); return err },
	})
	if err != nil {
		return nil, err
	}
	if p.Registry != nil {
		var are prometheus.AlreadyRegisteredError
		if err := p.Registry.Register(jobs.Collector()); err != nil && !errors.As(err, &are) {
			jobs.Close()
			return nil, fmt.Errorf("casework: metrics: %w", err)
		}
	}
	return &api.Deps{
		Auth:       as,
		Accounts:   &accounts.Service{Store: as, Audit: lg},
		Cases:      cs,
		Search:     &search.Service{Searcher: searcher, Audit: lg},
		IngestJobs: jobs,
		Audit:      trail,
		Registry:   p.Registry,
		Log:        log,
	}, nil
}
