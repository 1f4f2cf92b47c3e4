//go:build cgo

package benchmarks

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync/atomic"
	"testing"

	goface "github.com/Kagami/go-face"

	"github.com/facetriage/facetriage/internal/config"
	"github.com/facetriage/facetriage/internal/engine/native"
	"github.com/facetriage/facetriage/internal/testenv"
	"github.com/facetriage/facetriage/models/dlibface"
)

// photos returns the 34 go-face test photos' bytes.
func photos(b *testing.B) [][]byte {
	b.Helper()
	names, err := filepath.Glob(filepath.Join(testenv.GoFaceImages(b), "*.jpg"))
	if err != nil || len(names) == 0 {
		b.Fatalf("no photos: %v", err)
	}
	sort.Strings(names)
	out := make([][]byte, len(names))
	for i, n := range names {
		if out[i], err = os.ReadFile(n); err != nil {
			b.Fatal(err)
		}
	}
	return out
}

func coreCounts() []int {
	if n := runtime.NumCPU(); n > 1 {
		return []int{1, n}
	}
	return []int{1}
}

// run embeds b.N photos with cores workers and reports photos per second.
func run(b *testing.B, cores int, embed func(i int) error) {
	var next atomic.Int64
	b.ResetTimer()
	if cores == 1 {
		for i := 0; i < b.N; i++ {
			if err := embed(i); err != nil {
				b.Fatal(err)
			}
		}
	} else {
		b.SetParallelism((cores + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := embed(int(next.Add(1))); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkEmbed measures the engine on the go-face test photos (34 photos,
// 540 px to 3000 px), on one core and on all, upright only and with the
// rotation sweep; goface-raw is plain go-face Recognize on the same files in
// the same run, the reference the engine's figures are compared with.
func BenchmarkEmbed(b *testing.B) {
	data := photos(b)
	dir := testenv.ModelDir(b)
	for _, cores := range coreCounts() {
		b.Run(fmt.Sprintf("goface-raw/cores=%d", cores), func(b *testing.B) {
			dlibface.SetBLASThreads(1)
			recs := make(chan *goface.Recognizer, cores)
			for i := 0; i < cores; i++ {
				r, err := goface.NewRecognizer(dir)
				if err != nil {
					b.Fatal(err)
				}
				defer r.Close()
				recs <- r
			}
			run(b, cores, func(i int) error {
				r := <-recs
				defer func() { recs <- r }()
				_, err := r.Recognize(data[i%len(data)])
				return err
			})
		})
		for _, upright := range []bool{true, false} {
			name := "sweep"
			if upright {
				name = "upright"
			}
			b.Run(fmt.Sprintf("engine-%s/cores=%d", name, cores), func(b *testing.B) {
				e, err := native.Open(config.Config{ModelDir: dir, Workers: cores, Upright: upright, Detector: "hog"})
				if err != nil {
					b.Fatal(err)
				}
				defer e.Close()
				run(b, cores, func(i int) error {
					_, err := e.Embed(context.Background(), data[i%len(data)])
					return err
				})
			})
		}
	}
}
