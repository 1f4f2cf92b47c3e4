package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

// script is a stage whose outcome per message and delivery is scripted.
type script struct {
	outcome func(body string, delivery uint64) error
	mu      sync.Mutex
	seen    map[string][]uint64
}

func (s *script) Name() string { return bus.StageDecode }
func (s *script) Identify(b []byte) pipeline.Subject {
	return pipeline.Subject{SHA256: string(b), Path: "/photos/" + string(b)}
}
func (s *script) Process(_ context.Context, m pipeline.Msg) error {
	s.mu.Lock()
	s.seen[string(m.Data)] = append(s.seen[string(m.Data)], m.Delivery)
	s.mu.Unlock()
	return s.outcome(string(m.Data), m.Delivery)
}
func (s *script) deliveries(body string) []uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]uint64(nil), s.seen[body]...)
}

// sink records failures in memory.
type sink struct {
	mu sync.Mutex
	fs map[string]*facetriagepb.Failure
}

func (k *sink) RecordFailure(_ context.Context, f *facetriagepb.Failure) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.fs[f.Sha256] = f
	return nil
}
func (k *sink) get(sha string) *facetriagepb.Failure {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.fs[sha]
}

func setup(t *testing.T, ackWait time.Duration, outcome func(string, uint64) error) (*bustest.Server, *script, *sink, func()) {
	t.Helper()
	srv := bustest.Start(t, bus.Topology{AckWait: map[string]time.Duration{bus.StageDecode: ackWait}})
	st := &script{outcome: outcome, seen: map[string][]uint64{}}
	sk := &sink{fs: map[string]*facetriagepb.Failure{}}
	ctx, cancel := context.WithCancel(context.Background())
	r := &pipeline.Runner{NC: srv.NC, JS: srv.JS, Stage: st, Failures: sk, Instances: 2, AckWait: ackWait,
		Backoff: []time.Duration{10 * time.Millisecond}, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	return srv, st, sk, func() { cancel(); <-done }
}

func publish(t *testing.T, srv *bustest.Server, bodies ...string) {
	t.Helper()
	for _, b := range bodies {
		if _, err := srv.JS.Publish(context.Background(), bus.SubjectOf(bus.StageDecode), []byte(b), jetstream.WithMsgID(b)); err != nil {
			t.Fatal(err)
		}
	}
}

// empty waits until the work queue holds nothing: every message settled.
func empty(t *testing.T, srv *bustest.Server, timeout time.Duration) {
	t.Helper()
	bustest.CheckFor(t, timeout, 20*time.Millisecond, func() error {
		s, err := srv.JS.Stream(context.Background(), bus.StreamOf(bus.StageDecode))
		if err != nil {
			return err
		}
		info, err := s.Info(context.Background())
		if err != nil {
			return err
		}
		if info.State.Msgs != 0 {
			return fmt.Errorf("%d messages left", info.State.Msgs)
		}
		return nil
	})
}

func TestErrorsDecideTheAck(t *testing.T) {
	outcome := func(body string, delivery uint64) error {
		switch body {
		case "ok":
			return nil
		case "not-an-image":
			return pipeline.Permanent(fmt.Errorf("decode: %w", imgfile.ErrNotImage))
		case "flaky":
			if delivery < 3 {
				return errors.New("catalogue unreachable")
			}
			return nil
		case "always-down":
			return errors.New("catalogue unreachable")
		}
		return nil
	}
	srv, st, sk, stop := setup(t, 5*time.Second, outcome)
	defer stop()
	publish(t, srv, "ok", "not-an-image", "flaky", "always-down")
	publish(t, srv, "ok") // the same id again: dropped as a duplicate
	empty(t, srv, 10*time.Second)

	if d := st.deliveries("ok"); len(d) != 1 {
		t.Errorf("ok: deliveries %v, want exactly one (the duplicate publish is dropped)", d)
	}
	if d := st.deliveries("not-an-image"); len(d) != 1 {
		t.Errorf("permanent error: deliveries %v, want one, then Term", d)
	}
	if f := sk.get("not-an-image"); f == nil || f.Kind != "permanent" || f.ErrorKind != "not_image" || f.Path != "/photos/not-an-image" {
		t.Errorf("permanent error: failure record %+v", f)
	}
	if d := st.deliveries("flaky"); len(d) != 3 || sk.get("flaky") != nil {
		t.Errorf("transient error: deliveries %v and failure %v; want success on the third", d, sk.get("flaky"))
	}
	if d := st.deliveries("always-down"); len(d) != bus.MaxDeliver {
		t.Errorf("always failing: deliveries %v, want %d", d, bus.MaxDeliver)
	}
	if f := sk.get("always-down"); f == nil || f.Kind != "transient" || f.Deliveries != bus.MaxDeliver {
		t.Errorf("always failing: failure record %+v", f)
	}
}

// A stage slower than the AckWait keeps its message: the runner reports
// progress, so JetStream does not hand it to another worker.
func TestLongWorkIsNotRedelivered(t *testing.T) {
	var calls atomic.Int32
	srv, st, _, stop := setup(t, 600*time.Millisecond, func(string, uint64) error {
		calls.Add(1)
		time.Sleep(2 * time.Second)
		return nil
	})
	defer stop()
	publish(t, srv, "slow")
	empty(t, srv, 10*time.Second)
	if d := st.deliveries("slow"); len(d) != 1 {
		t.Fatalf("deliveries %v, want one", d)
	}
}

// A worker that dies holding a message loses nothing: JetStream delivers it
// again after the AckWait, to a worker that is alive.
func TestDeadWorkerLosesNothing(t *testing.T) {
	srv := bustest.Start(t, bus.Topology{AckWait: map[string]time.Duration{bus.StageDecode: time.Second}})
	publish(t, srv, "a", "b", "c")
	// The dying worker takes a message on its own connection and never
	// settles it: the process is gone.
	cons, err := srv.JS.Consumer(context.Background(), bus.StreamOf(bus.StageDecode), bus.StageDecode)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(1)
	if err != nil {
		t.Fatal(err)
	}
	var taken string
	for m := range batch.Messages() {
		taken = string(m.Data())
	}
	if taken == "" {
		t.Fatal("the dying worker got nothing")
	}
	st := &script{outcome: func(string, uint64) error { return nil }, seen: map[string][]uint64{}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &pipeline.Runner{NC: srv.NC, JS: srv.JS, Stage: st, Failures: &sink{fs: map[string]*facetriagepb.Failure{}},
		AckWait: time.Second, Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	go r.Run(ctx)
	empty(t, srv, 10*time.Second)
	for _, b := range []string{"a", "b", "c"} {
		d := st.deliveries(b)
		if len(d) != 1 {
			t.Errorf("%s: processed %d times, want once", b, len(d))
		}
		if b == taken && (len(d) != 1 || d[0] != 2) {
			t.Errorf("%s: deliveries %v, want the second delivery (after the dead worker's)", b, d)
		}
	}
}

// A message every delivery of which times out (a worker dies on it each
// time) is recorded from JetStream's advisory and removed from the queue.
func TestMaxDeliveriesAreRecorded(t *testing.T) {
	exhaustDeliveries(t, &sink{fs: map[string]*facetriagepb.Failure{}})
}

// The advisory is the only trace of a message the server no longer
// delivers: when its failure record cannot be written at first (the store
// full, JetStream restarting), it is written later, not dropped.
func TestMaxDeliveriesAreRecordedOnceTheRecordCanBeWritten(t *testing.T) {
	fs := &failingSink{sink: sink{fs: map[string]*facetriagepb.Failure{}}}
	fs.fails.Store(3)
	exhaustDeliveries(t, fs)
	if n := fs.fails.Load(); n > 0 {
		t.Fatalf("%d refusals left: the record was written without retrying", n)
	}
}

// failingSink refuses its first fails records.
type failingSink struct {
	sink
	fails atomic.Int32
}

func (k *failingSink) RecordFailure(ctx context.Context, f *facetriagepb.Failure) error {
	if k.fails.Add(-1) >= 0 {
		return errors.New("insufficient storage")
	}
	return k.sink.RecordFailure(ctx, f)
}

// recorder is a sink a test can read.
type recorder interface {
	pipeline.FailureSink
	get(sha string) *facetriagepb.Failure
}

// exhaustDeliveries makes a message time out on every delivery, then
// waits for its failure record in sk and an empty queue.
func exhaustDeliveries(t *testing.T, sk recorder) {
	t.Helper()
	const wait = 300 * time.Millisecond
	srv := bustest.Start(t, bus.Topology{AckWait: map[string]time.Duration{bus.StageDecode: wait}})
	st := &script{seen: map[string][]uint64{}}
	r := &pipeline.Runner{NC: srv.NC, JS: srv.JS, Stage: st, Failures: sk, Backoff: []time.Duration{50 * time.Millisecond},
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop, err := r.WatchMaxDeliveries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	publish(t, srv, "poison")
	cons, _ := srv.JS.Consumer(ctx, bus.StreamOf(bus.StageDecode), bus.StageDecode)
	for i := 0; i < bus.MaxDeliver; i++ { // each worker dies holding it
		b, err := cons.Fetch(1, jetstream.FetchMaxWait(3*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for range b.Messages() {
			n++
		}
		if n != 1 {
			t.Fatalf("delivery %d: got %d messages", i+1, n)
		}
	}
	bustest.CheckFor(t, 10*time.Second, 50*time.Millisecond, func() error {
		// Live workers keep pulling; the server decides on a redelivery,
		// and gives up on the message, when asked for more.
		if b, err := cons.Fetch(1, jetstream.FetchMaxWait(wait)); err == nil {
			for range b.Messages() {
				return errors.New("delivered beyond MaxDeliver")
			}
		}
		if f := sk.get("poison"); f == nil || f.Kind != "max_deliveries" {
			return fmt.Errorf("failure record %+v", f)
		}
		return nil
	})
	empty(t, srv, 5*time.Second)
}
