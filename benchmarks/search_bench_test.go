package benchmarks

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/testenv"
	"github.com/facetriage/facetriage/internal/vector"
	"github.com/facetriage/facetriage/internal/vector/memstore"
)

// faissPython is Debian's interpreter, for which python3-faiss is built.
const faissPython = "/usr/bin/python3"

// clustered makes n synthetic faces of individuals with 1 to 13 photos
// each (7 on average, as in the Damascus Dossier): each individual a random
// centre, its faces spread around it like one person's photos.
func clustered(n int, seed int64) []vector.Point {
	r := rand.New(rand.NewSource(seed))
	pts := make([]vector.Point, 0, n)
	for ind := 0; len(pts) < n; ind++ {
		var centre face.Descriptor
		for i := range centre {
			centre[i] = float32(r.NormFloat64() * 0.09)
		}
		key := "bench/" + strconv.Itoa(ind)
		for k := 1 + r.Intn(13); k > 0 && len(pts) < n; k-- {
			var d face.Descriptor
			for i := range d {
				d[i] = centre[i] + float32(r.NormFloat64()*0.025)
			}
			photo := fmt.Sprintf("%064x", len(pts))
			pts = append(pts, vector.Point{ID: vector.PointID(photo, 0), Vector: d,
				Payload: vector.Payload{Photo: photo, Individual: key, Source: "bench"}})
		}
	}
	return pts
}

func writeRaw(b *testing.B, path string, vs []face.Descriptor) {
	var buf bytes.Buffer
	for _, v := range vs {
		for _, x := range v {
			binary.Write(&buf, binary.LittleEndian, x)
		}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
}

// faissSeconds measures IndexFlatL2 on the same vectors and queries.
func faissSeconds(b *testing.B, pts []vector.Point, queries []face.Descriptor, k, threads int) float64 {
	if err := exec.Command(faissPython, "-c", "import faiss").Run(); err != nil {
		b.Skipf("FAISS reference unavailable (%v): apt-get install python3-faiss", err)
	}
	dir := b.TempDir()
	vs := make([]face.Descriptor, len(pts))
	for i, p := range pts {
		vs[i] = p.Vector
	}
	writeRaw(b, filepath.Join(dir, "xb"), vs)
	writeRaw(b, filepath.Join(dir, "xq"), queries)
	script := filepath.Join(testenv.RepoRoot(b), "benchmarks", "faiss", "flat_l2.py")
	out, err := exec.Command(faissPython, script, filepath.Join(dir, "xb"), filepath.Join(dir, "xq"),
		strconv.Itoa(k), strconv.Itoa(threads)).CombinedOutput()
	if err != nil {
		b.Fatalf("faiss: %v: %s", err, out)
	}
	s, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		b.Fatalf("faiss output %q: %v", out, err)
	}
	return s
}

// BenchmarkSearch measures a top-50-individuals query on the embedded index
// (memstore) over synthetic clustered faces, against FAISS IndexFlatL2
// (k = 50 faces, no grouping) measured in the same run on the same vectors,
// both on one thread and on all cores. Reported: ms per query for both,
// their ratio, and the memory each face takes in the index.
func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("faces=%d", n), func(b *testing.B) {
			pts := clustered(n, 1)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			s := memstore.New()
			ctx := context.Background()
			for i := 0; i < len(pts); i += 10_000 {
				if err := s.Upsert(ctx, pts[i:min(i+10_000, len(pts))]); err != nil {
					b.Fatal(err)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			perFace := float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
			r := rand.New(rand.NewSource(2))
			queries := make([]face.Descriptor, 50)
			for i := range queries {
				q := pts[r.Intn(len(pts))].Vector
				q[0] += 0.02
				queries[i] = q
			}
			for _, threads := range []int{1, runtime.NumCPU()} {
				b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
					prev := runtime.GOMAXPROCS(threads)
					defer runtime.GOMAXPROCS(prev)
					b.ResetTimer()
					start := time.Now()
					for i := 0; i < b.N; i++ {
						if _, err := s.SearchIndividuals(ctx, vector.Query{Vector: queries[i%len(queries)], Limit: 50}); err != nil {
							b.Fatal(err)
						}
					}
					ours := time.Since(start).Seconds() / float64(b.N)
					b.StopTimer()
					ref := faissSeconds(b, pts, queries, 50, threads)
					b.ReportMetric(ours*1e3, "ms/query")
					b.ReportMetric(ref*1e3, "faiss-ms/query")
					b.ReportMetric(ours/ref, "ratio")
					b.ReportMetric(math.Round(perFace), "bytes/face")
				})
			}
			runtime.KeepAlive(s)
		})
	}
}
