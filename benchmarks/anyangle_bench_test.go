//go:build cgo

package benchmarks

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/engine/native"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imaging"
	"github.com/facetriage/facetriage/internal/testenv"
	"github.com/facetriage/facetriage/models/dlibface"
)

// anyAnglePhoto is one photo of the any-angle benchmark: the upright
// photo's face, and the photo turned by a random angle.
type anyAnglePhoto struct {
	name   string
	ref    face.Descriptor
	turned []byte
	angle  float64
}

// anyAngleSet turns the 33 single-face go-face photos and a slice of LFW
// (the first photo of every k-th identity, n in all) by seeded uniformly
// random angles, canvas enlarged, corners grey. ref is the largest face
// the upright engine finds in the upright photo; photos without one are
// left out.
func anyAngleSet(b *testing.B, up *engine.Engine, n int, seed int64) []anyAnglePhoto {
	b.Helper()
	var paths []string
	gf, _ := filepath.Glob(filepath.Join(testenv.GoFaceImages(b), "*.jpg"))
	sort.Strings(gf)
	for _, p := range gf {
		if filepath.Base(p) != "pristin.jpg" {
			paths = append(paths, p)
		}
	}
	lfw := testenv.SharedPath(b, "datasets", "lfw-deepfunneled")
	ids, err := os.ReadDir(lfw)
	if err != nil {
		b.Fatal(err)
	}
	step := max(1, len(ids)/max(1, n))
	for i := 0; i < len(ids) && n > 0; i += step {
		ps, _ := filepath.Glob(filepath.Join(lfw, ids[i].Name(), "*.jpg"))
		if len(ps) > 0 {
			sort.Strings(ps)
			paths = append(paths, ps[0])
			n--
		}
	}
	rng := rand.New(rand.NewSource(seed))
	var out []anyAnglePhoto
	for _, p := range paths {
		angle := rng.Float64() * 360
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		r, err := up.Embed(context.Background(), data)
		if err != nil {
			b.Fatal(p, err)
		}
		k := face.Largest(r.Faces)
		if k < 0 {
			continue
		}
		f := r.Faces[k]
		turned, err := imaging.Degrade(data, imaging.Degradation{Angle: angle})
		if err != nil {
			b.Fatal(p, err)
		}
		out = append(out, anyAnglePhoto{name: p, ref: f.Descriptor, turned: turned, angle: angle})
	}
	return out
}

// quarterBin is the bin of an angle's distance from the nearest quarter
// turn: 0 (0-15°), 1 (15-30°) or 2 (30-45°).
func quarterBin(angle float64) int {
	off := math.Mod(angle, 90)
	off = math.Min(off, 90-off)
	return min(2, int(off/15))
}

// anyAngleTally is one engine variant's figures.
type anyAngleTally struct {
	name       string
	took, cpu  time.Duration // wall and thread CPU time
	found, all [3]int
	perPhoto   []time.Duration // CPU time
	levels     map[string]int
	dists      []float64 // of each face found, to the upright descriptor
}

func (t *anyAngleTally) add(p anyAnglePhoto, r engine.Result, took, cpu time.Duration, maxDist float64) bool {
	bin := quarterBin(p.angle)
	t.all[bin]++
	t.took += took
	t.cpu += cpu
	t.perPhoto = append(t.perPhoto, cpu)
	t.levels[r.Cost.Level]++
	best := math.Inf(1)
	for _, f := range r.Faces {
		best = math.Min(best, f.Descriptor.Distance(p.ref))
	}
	if best > maxDist {
		return false
	}
	t.found[bin]++
	t.dists = append(t.dists, best)
	return true
}

// dist is the q-quantile of the found faces' distances to the upright
// descriptors.
func (t *anyAngleTally) dist(q float64) float64 {
	if len(t.dists) == 0 {
		return math.NaN()
	}
	d := append([]float64(nil), t.dists...)
	sort.Float64s(d)
	return d[min(len(d)-1, int(q*float64(len(d))))]
}

func (t *anyAngleTally) recall() (int, int) {
	return t.found[0] + t.found[1] + t.found[2], t.all[0] + t.all[1] + t.all[2]
}

func (t *anyAngleTally) percentile(q float64) time.Duration {
	d := append([]time.Duration(nil), t.perPhoto...)
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[min(len(d)-1, int(q*float64(len(d))))]
}

// BenchmarkAnyAngle measures, in one run on one core, one upright HOG pass
// and the shipped default detector on the same turned photos (see
// anyAngleSet): the cost ratio shipped/upright and the recall by the
// angle's distance from the nearest quarter turn (a face counts when one
// is found within 0.3 of the upright photo's descriptor). Each photo goes
// to every variant in turn, so load on the machine falls on all alike.
//
//	go test ./benchmarks -run XXX -bench AnyAngle -benchtime 1x -timeout 60m
//
// FACETRIAGE_ANYANGLE_LFW sets the LFW slice (default 160 photos);
// FACETRIAGE_ANYANGLE_OLD=1 adds the quarter-turn sweep with the CNN
// fallback (the default before the any-angle search) as a third variant.
func BenchmarkAnyAngle(b *testing.B) {
	const maxDist = 0.3
	n := 160
	if s := os.Getenv("FACETRIAGE_ANYANGLE_LFW"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	// Every engine call runs on this thread, so its CPU time is the
	// engine's, whatever else the machine runs.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	imaging.SetThreads(1)
	pool, err := dlibface.Open(dlibface.Config{ModelDir: testenv.ModelDir(b), Size: 1})
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	mk := func(o engine.Options) *engine.Engine {
		e, err := engine.New(native.Decoder, pool, o)
		if err != nil {
			b.Fatal(err)
		}
		return e
	}
	type variant struct {
		name string
		e    *engine.Engine
	}
	vs := []variant{
		{"upright HOG", mk(engine.Options{Mode: engine.ModeHOG, Upright: true})},
		{"shipped default", mk(engine.Options{})},
	}
	if os.Getenv("FACETRIAGE_ANYANGLE_OLD") == "1" {
		vs = append(vs, variant{"quarter turns + CNN (before)", mk(engine.Options{QuarterTurns: true})})
	}
	set := anyAngleSet(b, vs[0].e, n, 1)
	verbose := os.Getenv("FACETRIAGE_ANYANGLE_VERBOSE") == "1"
	for i := 0; i < b.N; i++ {
		ts := make([]*anyAngleTally, len(vs))
		for k, v := range vs {
			ts[k] = &anyAngleTally{name: v.name, levels: map[string]int{}}
		}
		for _, p := range set {
			for k, v := range vs {
				start, cpu := time.Now(), threadCPU()
				r, err := v.e.Embed(context.Background(), p.turned)
				took, used := time.Since(start), threadCPU()-cpu
				if err != nil {
					b.Fatal(p.name, err)
				}
				ok := ts[k].add(p, r, took, used, maxDist)
				if verbose {
					fmt.Printf("%s %.0f° %s: %v cpu %v level=%s views=%d px=%d chips=%d faces=%d found=%v", filepath.Base(p.name), p.angle, v.name, took.Round(time.Millisecond), used.Round(time.Millisecond), r.Cost.Level, r.Cost.Views, r.Cost.Pixels, r.Cost.Chips, len(r.Faces), ok)
					fmt.Println()
				}
			}
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "\n%d photos (33 go-face, %d LFW), one core; CPU time of the embedding thread (wall time in brackets)\n", len(set), len(set)-33)
		fmt.Fprintf(&sb, "| variant | CPU time | × upright | 0-15° | 15-30° | 30-45° | all | distance median / p90 | median | p95 | slowest | levels |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, t := range ts {
			f, a := t.recall()
			fmt.Fprintf(&sb, "| %s | %.1f s (%.1f s) | %.2f (%.2f) | %d/%d | %d/%d | %d/%d | %d/%d (%.1f %%) | %.3f / %.3f | %d ms | %d ms | %d ms | %v |\n", t.name, t.cpu.Seconds(), t.took.Seconds(), t.cpu.Seconds()/ts[0].cpu.Seconds(), t.took.Seconds()/ts[0].took.Seconds(),
				t.found[0], t.all[0], t.found[1], t.all[1], t.found[2], t.all[2], f, a, 100*float64(f)/float64(a), t.dist(0.5), t.dist(0.9),
				t.percentile(0.5).Milliseconds(), t.percentile(0.95).Milliseconds(), t.percentile(1).Milliseconds(), t.levels)
		}
		fmt.Print(sb.String())
		f, a := ts[1].recall()
		b.ReportMetric(ts[1].cpu.Seconds()/ts[0].cpu.Seconds(), "ratio")
		b.ReportMetric(100*float64(f)/float64(a), "recall%")
	}
}

// rusageThread is Linux's RUSAGE_THREAD: the calling thread's usage.
const rusageThread = 1

// threadCPU is the CPU time the calling OS thread has used.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
