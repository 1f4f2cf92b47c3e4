package app

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/crypto/hkdf"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/dedup"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/engine/native"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/internal/vector"
	"github.com/facetriage/facetriage/internal/vector/memstore"
	"github.com/facetriage/facetriage/internal/vector/qdrant"
	"github.com/facetriage/facetriage/models"
	"github.com/facetriage/facetriage/workers/decode"
	"github.com/facetriage/facetriage/workers/faces"
	"github.com/facetriage/facetriage/workers/index"
)

// OpenStore opens the vector index: Qdrant when configured, otherwise the
// embedded index, which only the owner of the data directory may open.
func (rt *Runtime) OpenStore(ctx context.Context) (vector.Store, error) {
	if rt.Cfg.Qdrant != "" {
		s, err := qdrant.Open(ctx, qdrantConfig(rt.Cfg))
		if err != nil {
			return nil, err
		}
		rt.OnClose(func() { s.Close() })
		return s, nil
	}
	if !rt.Owner() {
		return nil, errors.New("app: the embedded index belongs to the process that owns the data directory")
	}
	// The journal holds face descriptors: it is sealed with a key derived
	// from the store key, as the store itself is encrypted.
	key, err := journalKey(rt.storeKey)
	if err != nil {
		return nil, err
	}
	s, err := openIndex(rt.IndexDir(), memstore.Options{Key: key}, rt.Log)
	if err != nil {
		return nil, err
	}
	rt.OnClose(func() { s.Close() })
	return s, nil
}

// openIndex opens the embedded index. A damaged journal is set aside, for
// inspection, and an empty index is opened in its place: the index is a
// projection of the face records, and SyncIndex fills it again.
func openIndex(dir string, o memstore.Options, log *slog.Logger) (*memstore.Store, error) {
	s, err := memstore.OpenWith(dir, o)
	switch {
	case errors.Is(err, memstore.ErrWrongKey) || errors.Is(err, memstore.ErrKeyRequired):
		return nil, fmt.Errorf("%w: give the key it was sealed with, or move %s aside and the index is rebuilt from the face records", err, dir)
	case !errors.Is(err, memstore.ErrCorrupt):
		return s, err
	}
	moved, aerr := memstore.SetAside(dir, time.Now())
	if aerr != nil {
		return nil, fmt.Errorf("%w; setting it aside failed too (%v): move %s away and start again, and the index is rebuilt from the face records", err, aerr, dir)
	}
	log.Error("the index journal is damaged: set aside, and the index is rebuilt from the face records", "err", err, "kept", moved)
	return memstore.OpenWith(dir, o)
}

// OpenEngine loads the face engine. In a binary built without it, the
// error wraps engine.ErrNoFaceEngine.
func (rt *Runtime) OpenEngine(adjust ...func(*engine.Options)) (*native.Engine, error) {
	e, err := native.Open(rt.Cfg, adjust...)
	if err != nil {
		return nil, EngineError(err)
	}
	rt.OnClose(e.Close)
	return e, nil
}

// EngineError adds to an error of native.Open the command that installs
// the models, unless the binary has no engine to load them into.
func EngineError(err error) error {
	if errors.Is(err, engine.ErrNoFaceEngine) {
		return err
	}
	return fmt.Errorf("%w (run `facetriage models fetch`)", err)
}

// ModelID names the installed embedding model (models.EmbeddingModelID).
func (rt *Runtime) ModelID() string { return models.EmbeddingModelID(rt.Cfg.ModelDirOrDefault()) }

// Workers are the stages this process runs, with their instance counts.
type Workers struct {
	Decode, Faces, Index int
}

// RunWorkers runs the stages until ctx ends. The faces stage needs eng, the
// index stage needs store.
func (rt *Runtime) RunWorkers(ctx context.Context, w Workers, eng faces.Engine, store vector.Store) (wait func(), err error) {
	names, err := archive.NewNameParser(rt.Cfg.NamePatterns())
	if err != nil {
		return nil, err
	}
	pub := bus.Publisher{JS: rt.JS}
	metrics := pipeline.NewMetrics(rt.Registry)
	var runners []*pipeline.Runner
	add := func(n int, st pipeline.Stage) {
		if n > 0 {
			runners = append(runners, &pipeline.Runner{NC: rt.NC, JS: rt.JS, Stage: st, Failures: rt.Catalog,
				Log: rt.Log, Metrics: metrics, Instances: n, AckWait: bus.AckWait(st.Name())})
		}
	}
	lim := imgfile.Limits{MaxPixels: rt.Cfg.EngineOptions().MaxPixelsOrDefault(), MinSide: engine.MinImageSide}
	var linker *dedup.Linker
	add(w.Decode, &decode.Stage{Catalogue: rt.Catalog, Publisher: pub, Names: names, Limits: lim})
	if w.Faces > 0 {
		if eng == nil {
			return nil, errors.New("app: the faces stage needs the face engine")
		}
		add(w.Faces, &faces.Stage{Engine: eng, Catalogue: rt.Catalog, Publisher: pub, Model: rt.ModelID(),
			Hasher: dedup.PhotoHasher{Decode: native.DecodeGray}, Costs: faces.NewCostReport(rt.Registry, rt.Log)})
	}
	if w.Index > 0 {
		if store == nil {
			return nil, errors.New("app: the index stage needs a vector store")
		}
		linker = dedup.NewLinker(rt.Catalog, rt.Log)
		add(w.Index, &index.Stage{Catalogue: rt.Catalog, Store: store, Dups: linker})
	}
	var wg sync.WaitGroup
	if linker != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := linker.Run(ctx); err != nil {
				rt.Log.Error("near-duplicate index stopped", "err", err)
			}
		}()
	}
	for _, r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Run(ctx); err != nil {
				rt.Log.Error("stage stopped", "stage", r.Stage.Name(), "err", err)
			}
		}()
	}
	return wg.Wait, nil
}

// Pipeline is the embedded pipeline running in this process.
type Pipeline struct {
	Store  vector.Store
	Engine *native.Engine
	// Wait returns once the workers have stopped (after ctx ends).
	Wait func()
}

// RunPipeline opens the embedded index and the engine (with crops) and
// runs every stage in this process until ctx ends: what serve and ingest
// do when they own the data directory.
func (rt *Runtime) RunPipeline(ctx context.Context) (*Pipeline, error) {
	store, err := rt.OpenStore(ctx)
	if err != nil {
		return nil, err
	}
	// A lost or damaged index is refilled before the workers start; the
	// records' check is serve's.
	if _, err := rt.SyncIndexWith(ctx, store, SyncOptions{OnlyRebuild: true}); err != nil {
		return nil, err
	}
	eng, err := rt.OpenEngine(func(o *engine.Options) { o.Crops = true })
	if err != nil {
		return nil, err
	}
	wait, err := rt.RunWorkers(ctx, Workers{Decode: 2, Faces: eng.Pool.Size(), Index: 1}, eng, store)
	if err != nil {
		return nil, err
	}
	return &Pipeline{Store: store, Engine: eng, Wait: wait}, nil
}

// journalKey is the embedded index journal's 32-byte key, derived from the
// store key (HKDF-SHA256), so that one secret opens the data directory.
func journalKey(storeKey string) ([]byte, error) {
	if storeKey == "" {
		return nil, errors.New("app: no store key to seal the index journal with")
	}
	key := make([]byte, 32)
	if _, err := io.ReadFull(hkdf.New(sha256.New, []byte(storeKey), nil, []byte("facetriage index journal v1")), key); err != nil {
		return nil, fmt.Errorf("app: index journal key: %w", err)
	}
	return key, nil
}
