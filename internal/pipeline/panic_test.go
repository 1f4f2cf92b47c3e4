package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

// syncBuffer is a log sink several goroutines write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A stage that panics on one message, in a process that also serves HTTP
// (as serve does): the panic becomes that photo's failure record with the
// stack in the log, the runner goes on with the next messages, and the
// HTTP side keeps answering.
func TestPanicIsRecordedAndTheRunnerGoesOn(t *testing.T) {
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") }))
	defer web.Close()
	srv := bustest.Start(t, bus.Topology{AckWait: map[string]time.Duration{bus.StageDecode: 5 * time.Second}})
	st := &script{seen: map[string][]uint64{}, outcome: func(body string, _ uint64) error {
		if body == "boom" {
			var m map[string]int
			m["write to a nil map"]++ // a real runtime panic
		}
		return nil
	}}
	sk := &sink{fs: map[string]*facetriagepb.Failure{}}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	r := &pipeline.Runner{NC: srv.NC, JS: srv.JS, Stage: st, Failures: sk, Instances: 1, AckWait: 5 * time.Second,
		Backoff: []time.Duration{10 * time.Millisecond}, Log: slog.New(slog.NewTextHandler(logs, nil))}
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	publish(t, srv, "before", "boom", "after")
	empty(t, srv, 10*time.Second)

	f := sk.get("boom")
	if f == nil || f.Kind != "panic" || f.ErrorKind != "panic" || f.Deliveries != 1 || !strings.Contains(f.Error, "nil map") {
		t.Fatalf("failure record %+v; want kind panic, error kind panic, one delivery, the panic's message", f)
	}
	if d := st.deliveries("boom"); len(d) != 1 {
		t.Errorf("the panicking message was delivered %v times, want once (a panic is not retried)", d)
	}
	for _, b := range []string{"before", "after"} {
		if d := st.deliveries(b); len(d) != 1 || sk.get(b) != nil {
			t.Errorf("%s: deliveries %v, failure %v; want processed once", b, d, sk.get(b))
		}
	}
	if !strings.Contains(logs.String(), "stack=") || !strings.Contains(logs.String(), "panic_test.go") {
		t.Errorf("the log holds no stack of the panic:\n%s", logs.String())
	}
	// The runner still consumes, and the process still serves.
	publish(t, srv, "later")
	empty(t, srv, 10*time.Second)
	if d := st.deliveries("later"); len(d) != 1 {
		t.Errorf("after the panic: deliveries %v, want one", d)
	}
	resp, err := http.Get(web.URL)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP after the panic: %v, %v", resp, err)
	}
	resp.Body.Close()
}

// batchScript is a batch stage that panics on any batch holding "boom",
// and on "boom" alone.
type batchScript struct{ script }

func (b *batchScript) ProcessBatch(ctx context.Context, ms []pipeline.Msg) []error {
	errs := make([]error, len(ms))
	for i, m := range ms {
		errs[i] = b.Process(ctx, m)
	}
	return errs
}

// A batch stage that panics on one message of a batch: the batch is
// processed again one message at a time, and only that message fails.
func TestPanicInABatchFailsOnlyItsMessage(t *testing.T) {
	srv := bustest.Start(t, bus.Topology{AckWait: map[string]time.Duration{bus.StageDecode: 5 * time.Second}})
	st := &batchScript{script{seen: map[string][]uint64{}, outcome: func(body string, _ uint64) error {
		if body == "boom" {
			panic(errors.New("index out of its mind"))
		}
		return nil
	}}}
	sk := &sink{fs: map[string]*facetriagepb.Failure{}}
	// Publish first, so that the first fetch takes them in one batch.
	publish(t, srv, "a", "b", "boom", "c")
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	r := &pipeline.Runner{NC: srv.NC, JS: srv.JS, Stage: st, Failures: sk, AckWait: 5 * time.Second, Batch: 10,
		Log: slog.New(slog.NewTextHandler(logs, nil))}
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	empty(t, srv, 10*time.Second)

	if f := sk.get("boom"); f == nil || f.Kind != "panic" || !strings.Contains(f.Error, "index out of its mind") {
		t.Fatalf("failure record %+v, want kind panic with the panic's message", f)
	}
	if !strings.Contains(logs.String(), "one at a time") {
		t.Errorf("the batch was not processed again one message at a time:\n%s", logs.String())
	}
	for _, b := range []string{"a", "b", "c"} {
		if sk.get(b) != nil || len(st.deliveries(b)) == 0 {
			t.Errorf("%s was recorded as failed with the batch that panicked: %+v", b, sk.get(b))
		}
	}
}

// flakySink panics the first time it is asked to record, as a bug in the
// catalogue would.
type flakySink struct {
	sink
	calls atomic.Int32
}

func (k *flakySink) RecordFailure(ctx context.Context, f *facetriagepb.Failure) error {
	if k.calls.Add(1) == 1 {
		panic("catalogue bug")
	}
	return k.sink.RecordFailure(ctx, f)
}

// A panic outside the stage (while recording a failure) does not stop the
// runner either: the message is left unsettled, delivered again after the
// AckWait, and recorded then.
func TestPanicOutsideTheStageLeavesTheMessageForLater(t *testing.T) {
	const wait = 500 * time.Millisecond
	srv := bustest.Start(t, bus.Topology{AckWait: map[string]time.Duration{bus.StageDecode: wait}})
	st := &script{seen: map[string][]uint64{}, outcome: func(body string, _ uint64) error {
		if body == "bad" {
			return pipeline.Permanent(errors.New("not an image"))
		}
		return nil
	}}
	sk := &flakySink{sink: sink{fs: map[string]*facetriagepb.Failure{}}}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	r := &pipeline.Runner{NC: srv.NC, JS: srv.JS, Stage: st, Failures: sk, AckWait: wait,
		Log: slog.New(slog.NewTextHandler(logs, nil))}
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	publish(t, srv, "bad", "good")
	empty(t, srv, 10*time.Second)
	if f := sk.get("bad"); f == nil || f.Deliveries != 2 {
		t.Fatalf("failure record %+v; want it written on the second delivery", f)
	}
	if d := st.deliveries("good"); len(d) != 1 {
		t.Errorf("good: deliveries %v, want one", d)
	}
	if !strings.Contains(logs.String(), "runner panicked") {
		t.Errorf("the panic was not logged:\n%s", logs.String())
	}
}
