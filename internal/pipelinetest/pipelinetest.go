// Package pipelinetest runs the whole ingest pipeline for tests: a real
// embedded JetStream, the three stages, the catalogue and the in-memory
// vector index, with the fake face engine (engine/facetest) unless the test
// gives the real one.
package pipelinetest

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
	"github.com/facetriage/facetriage/internal/dedup"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/internal/vector/memstore"
	"github.com/facetriage/facetriage/workers/decode"
	"github.com/facetriage/facetriage/workers/faces"
	"github.com/facetriage/facetriage/workers/index"
)

// Rig is a running pipeline.
type Rig struct {
	Srv     *bustest.Server
	Catalog *archive.Catalogue
	Store   *memstore.Store
	Engine  faces.Engine
	stop    func()
}

// Start runs the pipeline with eng (nil: the fake engine), without the
// near-duplicate search: the fake engine's photos all hash alike, and two
// photos of one fake person lie nearer than a real pair does. It stops
// when the test ends.
func Start(t testing.TB, eng faces.Engine) *Rig {
	t.Helper()
	return start(t, eng, false)
}

// StartDedup is Start with the near-duplicate search (dedup.Linker), as
// the product runs it.
func StartDedup(t testing.TB, eng faces.Engine) *Rig {
	t.Helper()
	return start(t, eng, true)
}

func start(t testing.TB, eng faces.Engine, dups bool) *Rig {
	t.Helper()
	if eng == nil {
		eng = facetest.Engine{}
	}
	srv := bustest.Start(t, bus.Topology{})
	ctx := context.Background()
	cat, err := archive.Open(ctx, srv.JS)
	if err != nil {
		t.Fatal(err)
	}
	store := memstore.New()
	names, _ := archive.NewNameParser(archive.DefaultPatterns)
	pub := bus.Publisher{JS: srv.JS}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	rctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	fs := &faces.Stage{Engine: eng, Catalogue: cat, Publisher: pub, Model: "test"}
	is := &index.Stage{Catalogue: cat, Store: store}
	if dups {
		linker := dedup.NewLinker(cat, log)
		wg.Add(1)
		go func() { defer wg.Done(); linker.Run(rctx) }()
		fs.Hasher, is.Dups = dedup.PhotoHasher{}, linker
	}
	for _, st := range []pipeline.Stage{
		&decode.Stage{Catalogue: cat, Publisher: pub, Names: names, Limits: imgfile.Limits{MaxPixels: 1e8, MinSide: 20}},
		fs, is,
	} {
		r := &pipeline.Runner{NC: srv.NC, JS: srv.JS, Stage: st, Failures: cat, Log: log, Instances: 2,
			Backoff: []time.Duration{10 * time.Millisecond}}
		wg.Add(1)
		go func() { defer wg.Done(); r.Run(rctx) }()
	}
	r := &Rig{Srv: srv, Catalog: cat, Store: store, Engine: eng, stop: func() { cancel(); wg.Wait() }}
	t.Cleanup(r.stop)
	return r
}

// Ingest runs an ingest and waits for it.
func (r *Rig) Ingest(t testing.TB, opts ingest.Options) ingest.Summary {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	in := &ingest.Ingester{Publisher: bus.Publisher{JS: r.Srv.JS}, Catalogue: r.Catalog}
	sum, err := in.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// Write writes a file, making its folders.
func Write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
