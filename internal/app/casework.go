package app

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/nats-io/nats.go"

	"github.com/facetriage/facetriage/internal/accounts"
	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/casework"
	"github.com/facetriage/facetriage/internal/goimg"
	"github.com/facetriage/facetriage/internal/keys"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

// UploadsDir, in the data directory, keeps the uploads of ingest over
// HTTP: their photos lie there, as a folder's do for `facetriage ingest`.
const UploadsDir = "uploads"

// SubjectIngested is published when an ingest run ends, so that a serve
// matches every open case again (the standing search).
const SubjectIngested = "ft.events.ingested"

// OpenAudit opens the audit trail, with its signed head file in the data
// directory; the file is brought up to date when the runtime closes.
func (rt *Runtime) OpenAudit(ctx context.Context) (*audit.Log, error) {
	dir := rt.Cfg.DataDirOrDefault()
	key, err := keys.Open(dir, rt.Cfg.SigningKey)
	if err != nil {
		return nil, err
	}
	lg, err := audit.Open(ctx, rt.JS, rt.Cfg.Replicas,
		audit.WithWitness(filepath.Join(dir, audit.HeadFile), key), audit.WithLogger(rt.Log))
	if err != nil {
		return nil, err
	}
	rt.OnClose(func() {
		if err := lg.Close(); err != nil {
			rt.Log.Error("the audit head file was not updated", "err", err)
		}
	})
	return lg, nil
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

// Casework assembles the services behind the HTTP API and the web UI;
// adjust changes the parts (a command that serves no HTTP turns ingest
// jobs off with an empty UploadDir, so that it takes up no job).
func (rt *Runtime) Casework(ctx context.Context, store vector.Store, eng search.Engine, adjust ...func(*casework.Parts)) (*api.Deps, error) {
	lg, err := rt.OpenAudit(ctx)
	if err != nil {
		return nil, err
	}
	key, err := keys.Open(rt.Cfg.DataDirOrDefault(), rt.Cfg.SigningKey)
	if err != nil {
		return nil, err
	}
	p := casework.Parts{JS: rt.JS, Replicas: rt.Cfg.Replicas, Engine: eng, Store: store,
		Catalog: rt.Catalog, Blur: goimg.Obscure, Auth: rt.Cfg.AuthOptions(), Audit: lg, SigningKey: key, SingleReviewer: rt.Cfg.SingleReviewer,
		Normalise: rt.Cfg.Normalise,
		UploadDir: filepath.Join(rt.Cfg.DataDirOrDefault(), UploadsDir), Storage: rt.Storage(), Patterns: rt.Cfg.Patterns,
		Registry: rt.Registry, Log: rt.Log}
	for _, f := range adjust {
		f(&p)
	}
	return casework.Open(ctx, p)
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
