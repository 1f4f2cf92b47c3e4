package app

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go"

	"github.com/facetriage/facetriage/internal/accounts"
	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/casework"
	"github.com/facetriage/facetriage/internal/imaging"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

// SubjectIngested is published when an ingest run ends, so that a serve
// matches every open case again (the standing search).
const SubjectIngested = "ft.events.ingested"

// OpenAudit opens the audit trail.
func (rt *Runtime) OpenAudit(ctx context.Context) (*audit.Log, error) {
	return audit.Open(ctx, rt.JS, rt.Cfg.Replicas)
}

// Accounts opens the accounts service, for the command line.
func (rt *Runtime) Accounts(ctx context.Context) (*accounts.Service, error) {
	lg, err := rt.OpenAudit(ctx)
	if err != nil {
		return nil, err
	}
	as, err := auth.OpenWith(ctx, rt.JS, rt.Cfg.AuthOptions())
	if err != nil {
		return nil, err
	}
	return &accounts.Service{Store: as, Audit: lg}, nil
}

// Casework assembles the services behind the HTTP API and the web UI.
func (rt *Runtime) Casework(ctx context.Context, store vector.Store, eng search.Engine) (*api.Deps, error) {
	return casework.Open(ctx, casework.Parts{JS: rt.JS, Replicas: rt.Cfg.Replicas, Engine: eng, Store: store,
		Catalog: rt.Catalog, Blur: imaging.Obscure, Auth: rt.Cfg.AuthOptions(), Registry: rt.Registry, Log: rt.Log})
}

// WatchIngests matches every open case again whenever an ingest run ends,
// until ctx ends.
func (rt *Runtime) WatchIngests(ctx context.Context, cs *cases.Service) error {
	sub, err := rt.NC.Subscribe(SubjectIngested, func(_ *nats.Msg) {
		go func() {
			flagged, err := cs.Rematch(ctx)
			if err != nil {
				rt.Log.Error("standing search failed", "err", err)
				return
			}
			rt.Log.Info("standing search done", "cases with new candidates", len(flagged))
		}()
	})
	if err != nil {
		return fmt.Errorf("app: %w", err)
	}
	go func() { <-ctx.Done(); sub.Unsubscribe() }()
	return nil
}

// AnnounceIngest tells a running serve that an ingest run ended.
func (rt *Runtime) AnnounceIngest() error {
	if err := rt.NC.Publish(SubjectIngested, nil); err != nil {
		return err
	}
	return rt.NC.Flush()
}
