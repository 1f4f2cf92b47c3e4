package benchmarks

import (
	"bufio"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/engine/native"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/testenv"
)

// lfw returns the first n LFW photo paths.
func lfw(b *testing.B, n int) []string {
	dir := testenv.SharedPath(b, "datasets")
	f, err := os.Open(filepath.Join(dir, "lfw-deepfunneled", "labels.csv"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Scan()
	for sc.Scan() && len(out) < n {
		out = append(out, filepath.Join(dir, strings.SplitN(sc.Text(), ",", 2)[0]))
	}
	return out
}

// BenchmarkIngest compares the whole embedded pipeline (ingest → JetStream →
// decode → faces → index, with crops stored and every record written) with
// the raw engine embedding the same photos on the same cores, in one run.
// Run it once: go test ./benchmarks -run XXX -bench Ingest -benchtime 1x
func BenchmarkIngest(b *testing.B) {
	const n = 400
	paths := lfw(b, n)
	data := make([][]byte, len(paths))
	for i, p := range paths {
		var err error
		if data[i], err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	}
	cfg := testenv.Config(b)
	cores := runtime.NumCPU()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	for i := 0; i < b.N; i++ {
		// The raw engine: the same photos, one goroutine per recognizer.
		e, err := native.Open(cfg)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		var wg sync.WaitGroup
		next := make(chan []byte)
		for w := 0; w < cores; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for d := range next {
					if _, err := e.Embed(context.Background(), d); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		for _, d := range data {
			next <- d
		}
		close(next)
		wg.Wait()
		raw := float64(n) / time.Since(start).Seconds()
		e.Close()

		// The pipeline, embedded, in a fresh data directory.
		pcfg := cfg
		pcfg.DataDir = b.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		rt, err := app.Connect(ctx, pcfg, log, app.Own)
		if err != nil {
			b.Fatal(err)
		}
		store, err := rt.OpenStore(ctx)
		if err != nil {
			b.Fatal(err)
		}
		eng, err := rt.OpenEngine(func(o *engine.Options) { o.Crops = true })
		if err != nil {
			b.Fatal(err)
		}
		wait, err := rt.RunWorkers(ctx, app.Workers{Decode: 2, Faces: eng.Pool.Size(), Index: 1}, eng, store)
		if err != nil {
			b.Fatal(err)
		}
		in := &ingest.Ingester{Publisher: rt.Publisher(), Catalogue: rt.Catalog}
		start = time.Now()
		sum, err := in.Run(ctx, ingest.Options{Paths: paths})
		if err != nil {
			b.Fatal(err)
		}
		pipe := float64(n) / time.Since(start).Seconds()
		cancel()
		wait()
		rt.Close()
		if sum.Indexed+sum.NoFace != n {
			b.Fatalf("pipeline: %s", sum)
		}
		b.ReportMetric(raw, "raw-photos/s")
		b.ReportMetric(pipe, "pipeline-photos/s")
		b.ReportMetric(pipe/raw, "ratio")
	}
}
