package pipelinetest

import (
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/search"
)

// Casework opens the casework services on the rig's JetStream — accounts,
// the audit trail, cases ranked by the rig's engine and index — as the
// API's dependencies. The fake engine's crops are not JPEG, so Blur passes
// them through; a test with the real engine sets imaging.Obscure.
func (r *Rig) Casework(t testing.TB) *api.Deps {
	t.Helper()
	ctx := context.Background()
	as, err := auth.Open(ctx, r.Srv.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	lg, err := audit.Open(ctx, r.Srv.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := cases.Open(ctx, r.Srv.JS, 1)
	if err != nil {
		t.Fatal(err)
	}
	searcher := &search.Searcher{Engine: r.Engine, Store: r.Store, Catalogue: r.Catalog}
	cs.Engine, cs.Ranker, cs.Audit = r.Engine, searcher, lg
	return &api.Deps{Auth: as, Audit: lg, Cases: cs, Searcher: searcher, Catalog: r.Catalog,
		Log:   slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		Ready: func(context.Context) error { return nil },
		Blur:  func(b []byte, grey, blur bool) ([]byte, error) { return b, nil }}
}
