package pipelinetest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"log/slog"
	"os"
	"testing"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/casework"
)

// Casework opens the casework services on the rig's JetStream — accounts,
// the audit trail, cases ranked by the rig's engine and index — as the
// API's dependencies. The fake engine's crops are not JPEG, so Blur passes
// them through; a test with the real engine sets goimg.Obscure on
// d.Cases.Blur.
// Options adjust the parts, e.g. the accounts' options.
func (r *Rig) Casework(t testing.TB, options ...func(*casework.Parts)) *api.Deps {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := casework.Parts{JS: r.Srv.JS, Replicas: 1, Engine: r.Engine, Store: r.Store, Catalog: r.Catalog, SigningKey: key,
		Blur: func(b []byte, grey, blur bool) ([]byte, error) { return b, nil },
		Log:  slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	// The fast suite hashes passwords cheaply; the full one at the
	// product's cost.
	p.Auth.CheapHashes = testing.Short()
	for _, o := range options {
		o(&p)
	}
	d, err := casework.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	d.Ready = func(context.Context) error { return nil }
	t.Cleanup(d.IngestJobs.Close)
	return d
}
