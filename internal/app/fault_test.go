package app_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
	"github.com/facetriage/facetriage/internal/engine/native"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/internal/testenv"
	"github.com/facetriage/facetriage/internal/vector/memstore"
	"github.com/facetriage/facetriage/workers/decode"
	"github.com/facetriage/facetriage/workers/faces"
	"github.com/facetriage/facetriage/workers/index"
)

// lfwPhotos returns the first n photos of LFW (by labels.csv order).
func lfwPhotos(t *testing.T, n int) []string {
	t.Helper()
	dir := testenv.SharedPath(t, "datasets")
	f, err := os.Open(filepath.Join(dir, "lfw-deepfunneled", "labels.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() && len(out) < n {
		out = append(out, filepath.Join(dir, strings.SplitN(sc.Text(), ",", 2)[0]))
	}
	return out
}

// dying is a faces stage whose worker dies while holding its n-th message:
// it never settles it, and the test then cuts the worker's connection, as a
// killed process's would be.
type dying struct {
	pipeline.Stage
	seen  atomic.Int32
	at    int32
	died  chan struct{}
	never chan struct{}
}

func (d *dying) Process(ctx context.Context, m pipeline.Msg) error {
	if d.seen.Add(1) == d.at {
		close(d.died)
		<-d.never
		return errors.New("dead")
	}
	return d.Stage.Process(ctx, m)
}

// TestKilledFacesWorkerLosesNothing ingests 1,000 LFW photos while the faces
// worker is killed in the middle; after a new one starts, every photo is
// indexed exactly once: none lost, none doubled.
func TestKilledFacesWorkerLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 photos through the real engine")
	}
	paths := lfwPhotos(t, 1000)
	cfg := testenv.Config(t)
	cfg.Upright = true // the fault is in the bus, not the sweep: keep it quick
	const ackWait = 3 * time.Second
	srv := bustest.Start(t, bus.Topology{AckWait: map[string]time.Duration{bus.StageFaces: ackWait}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cat, err := archive.Open(ctx, srv.JS)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := native.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	store := memstore.New()
	log := quietLog()
	names, _ := archive.NewNameParser(archive.DefaultPatterns)
	runner := func(nc *nats.Conn, js jetstream.JetStream, st pipeline.Stage, n int) *pipeline.Runner {
		return &pipeline.Runner{NC: nc, JS: js, Stage: st, Failures: cat, Log: log, Instances: n, AckWait: bus.AckWait(st.Name())}
	}
	pub := bus.Publisher{JS: srv.JS}
	facesStage := &faces.Stage{Engine: eng, Catalogue: cat, Publisher: pub, Model: "test"}
	var wg sync.WaitGroup
	run := func(ctx context.Context, r *pipeline.Runner) {
		wg.Add(1)
		go func() { defer wg.Done(); r.Run(ctx) }()
	}
	run(ctx, runner(srv.NC, srv.JS, &decode.Stage{Catalogue: cat, Publisher: pub, Names: names,
		Limits: imgfile.Limits{MaxPixels: 1e8, MinSide: 20}}, 2))
	run(ctx, runner(srv.NC, srv.JS, &index.Stage{Catalogue: cat, Store: store}, 1))

	// Worker A: its own connection, as its own process would have.
	ncA, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	jsA, _ := jetstream.New(ncA)
	die := &dying{Stage: &faces.Stage{Engine: eng, Catalogue: cat, Publisher: bus.Publisher{JS: jsA}, Model: "test"},
		at: 300, died: make(chan struct{}), never: make(chan struct{})}
	ctxA, killA := context.WithCancel(ctx)
	run(ctxA, runner(ncA, jsA, die, eng.Pool.Size()))
	go func() {
		<-die.died
		ncA.Close() // the process is gone: no ack, no progress report
		killA()
		// A new faces worker starts.
		run(ctx, runner(srv.NC, srv.JS, facesStage, eng.Pool.Size()))
	}()

	in := &ingest.Ingester{Publisher: pub, Catalogue: cat}
	ictx, icancel := context.WithTimeout(ctx, 8*time.Minute)
	defer icancel()
	sum, err := in.Run(ictx, ingest.Options{Paths: paths, Source: "lfw"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-die.died:
	default:
		t.Fatal("the faces worker never died: the test proved nothing")
	}
	t.Logf("ingest: %s", sum)
	photos, faces := exactlyOnceIn(t, cat, store)
	if photos != 1000 || sum.Seen != 1000 || sum.Indexed+sum.NoFace != 1000 || sum.Failed != 0 {
		t.Fatalf("%d photos catalogued, summary %+v; want all 1000 indexed or without a face, none failed", photos, sum)
	}
	if faces < 950 {
		t.Errorf("only %d faces in 1000 LFW photos", faces)
	}
	close(die.never) // the dead worker's goroutine may end now
	cancel()
	wg.Wait()
}
