package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

// batchWait is how long a batch stage waits to fill a batch.
const batchWait = 200 * time.Millisecond

// Runner runs a stage on its work queue with several instances.
type Runner struct {
	NC       *nats.Conn
	JS       jetstream.JetStream
	Stage    Stage
	Failures FailureSink
	Log      *slog.Logger
	Metrics  *Metrics
	// Instances is the number of concurrent consumers (default 1).
	Instances int
	// Batch is the largest batch a BatchStage receives (default 64).
	Batch int
	// AckWait must match the consumer's (bus.Topology); progress is
	// reported every third of it.
	AckWait time.Duration
	// MaxWork stops progress reports for a message held longer, so that a
	// hung stage's message goes to another worker (default 10 × AckWait).
	MaxWork time.Duration
	// Backoff is the delay before each retry (default bus.Backoff).
	Backoff []time.Duration
}

// Run consumes until ctx is cancelled, then waits for the work in hand.
func (r *Runner) Run(ctx context.Context) error {
	name := r.Stage.Name()
	cons, err := r.JS.Consumer(ctx, bus.StreamOf(name), name)
	if err != nil {
		return fmt.Errorf("pipeline: %s consumer: %w", name, err)
	}
	if r.Metrics == nil {
		r.Metrics = NewMetrics(nil)
	}
	unwatch, err := r.WatchMaxDeliveries(ctx)
	if err != nil {
		return err
	}
	defer unwatch()
	var wg sync.WaitGroup
	for i := 0; i < max(1, r.Instances); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.loop(ctx, cons)
		}()
	}
	wg.Wait()
	return nil
}

func (r *Runner) loop(ctx context.Context, cons jetstream.Consumer) {
	batch := 1
	bs, isBatch := r.Stage.(BatchStage)
	if isBatch {
		batch = max(1, r.Batch)
		if r.Batch == 0 {
			batch = 64
		}
	}
	// A batch stage takes what has arrived within batchWait rather than
	// waiting for a full batch: the last photos of an ingest are not held.
	wait := time.Second
	if isBatch {
		wait = batchWait
	}
	for ctx.Err() == nil {
		msgs, err := cons.Fetch(batch, jetstream.FetchMaxWait(wait))
		if err != nil {
			if ctx.Err() == nil {
				r.Log.Warn("fetch failed", "stage", r.Stage.Name(), "err", err)
				sleep(ctx, time.Second)
			}
			continue
		}
		var got []jetstream.Msg
		for m := range msgs.Messages() {
			got = append(got, m)
		}
		if len(got) == 0 {
			continue
		}
		if isBatch {
			r.survive(func() { r.handleBatch(ctx, bs, got) })
		} else {
			for _, m := range got {
				r.survive(func() { r.handle(ctx, m) })
			}
		}
	}
}

// survive runs the handling of messages and logs a panic outside the
// stage (recording a failure, settling): the messages it left unsettled
// are delivered again after the AckWait, and recorded from the advisory
// when every delivery fails.
func (r *Runner) survive(fn func()) {
	err := guard(func() error { fn(); return nil })
	var pe *panicError
	if errors.As(err, &pe) {
		r.Log.Error("runner panicked; the messages in hand will be delivered again", "stage", r.Stage.Name(), "err", err, "stack", string(pe.stack))
	}
}

func toMsg(m jetstream.Msg) Msg {
	out := Msg{Data: m.Data(), Delivery: 1}
	if md, err := m.Metadata(); err == nil {
		out.Delivery, out.Seq = md.NumDelivered, md.Sequence.Stream
	}
	return out
}

func (r *Runner) handle(ctx context.Context, m jetstream.Msg) {
	msg := toMsg(m)
	stop := r.keepAlive(m)
	start := time.Now()
	err := r.process(ctx, msg)
	stop()
	took := time.Since(start)
	r.Metrics.Seconds.WithLabelValues(r.Stage.Name()).Observe(took.Seconds())
	r.settle(ctx, m, msg, err, took)
}

// process runs the stage on one message; a panic becomes its error.
func (r *Runner) process(ctx context.Context, msg Msg) error {
	return guard(func() error { return r.Stage.Process(ctx, msg) })
}

func (r *Runner) handleBatch(ctx context.Context, bs BatchStage, ms []jetstream.Msg) {
	msgs := make([]Msg, len(ms))
	for i, m := range ms {
		msgs[i] = toMsg(m)
	}
	stops := make([]func(), len(ms))
	for i, m := range ms {
		stops[i] = r.keepAlive(m)
	}
	start := time.Now()
	errs := r.processBatch(ctx, bs, msgs)
	for _, stop := range stops {
		stop()
	}
	took := time.Since(start)
	r.Metrics.Seconds.WithLabelValues(r.Stage.Name()).Observe(took.Seconds())
	for i, m := range ms {
		r.settle(ctx, m, msgs[i], errs[i], took)
	}
}

// processBatch runs a batch stage and returns one error per message. When
// the batch panics, its messages are processed one at a time, so that only
// the message that panics is recorded as failed (effects are idempotent).
func (r *Runner) processBatch(ctx context.Context, bs BatchStage, msgs []Msg) []error {
	var errs []error
	perr := guard(func() error {
		errs = bs.ProcessBatch(ctx, msgs)
		return nil
	})
	switch {
	case perr != nil:
		r.Log.Warn("batch panicked; processing its messages one at a time", "stage", r.Stage.Name(), "batch", len(msgs), "err", perr)
		errs = make([]error, len(msgs))
		for i := range msgs {
			errs[i] = r.process(ctx, msgs[i])
		}
	case errs == nil:
		errs = make([]error, len(msgs))
	case len(errs) != len(msgs): // a bug in the stage: retry, then record
		bad := fmt.Errorf("pipeline: %s returned %d errors for a batch of %d", r.Stage.Name(), len(errs), len(msgs))
		errs = make([]error, len(msgs))
		for i := range errs {
			errs[i] = bad
		}
	}
	return errs
}

// keepAlive reports progress every third of the AckWait until stopped, or
// until MaxWork has passed.
func (r *Runner) keepAlive(m jetstream.Msg) (stop func()) {
	wait := r.AckWait
	if wait <= 0 {
		wait = bus.AckWait(r.Stage.Name())
	}
	limit := r.MaxWork
	if limit <= 0 {
		limit = 10 * wait
	}
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(wait / 3)
		defer t.Stop()
		give := time.After(limit)
		for {
			select {
			case <-done:
				return
			case <-give:
				r.Log.Warn("stage holds a message too long; letting it go to another worker", "stage", r.Stage.Name(), "after", limit)
				return
			case <-t.C:
				_ = m.InProgress()
			}
		}
	}()
	return func() { close(done) }
}

// settle acknowledges a message as its error decides.
func (r *Runner) settle(ctx context.Context, m jetstream.Msg, msg Msg, err error, took time.Duration) {
	stage := r.Stage.Name()
	log := r.Log.With("stage", stage, "subject", m.Subject(), "delivery", msg.Delivery, "took", took)
	outcome := "ack"
	var pe *panicError
	switch {
	case err == nil:
		if aerr := m.Ack(); aerr != nil {
			log.Warn("ack failed; the message will be redelivered", "err", aerr)
		}
	case ctx.Err() != nil:
		outcome = "shutdown"
		_ = m.Nak() // someone else takes it now
	case errors.As(err, &pe):
		outcome = "failed"
		r.fail(ctx, m, msg, err, "panic", log.With("stack", string(pe.stack)))
	case IsPermanent(err):
		outcome = "failed"
		r.fail(ctx, m, msg, err, "permanent", log)
	case msg.Delivery >= bus.MaxDeliver:
		outcome = "failed"
		r.fail(ctx, m, msg, err, "transient", log)
	default:
		outcome = "retry"
		delay := r.backoff(int(msg.Delivery))
		log.Warn("transient error; retrying", "err", err, "in", delay)
		_ = m.NakWithDelay(delay)
	}
	r.Metrics.Messages.WithLabelValues(stage, outcome).Inc()
}

// fail records the failure, then terminates the message. If the record
// cannot be written, the message is retried instead: it is never dropped
// unrecorded.
func (r *Runner) fail(ctx context.Context, m jetstream.Msg, msg Msg, err error, kind string, log *slog.Logger) {
	f := r.failure(msg.Data, err, kind, msg.Delivery)
	if rerr := r.Failures.RecordFailure(ctx, f); rerr != nil {
		log.Error("cannot record failure; retrying the message", "err", rerr, "cause", err)
		_ = m.NakWithDelay(time.Second)
		return
	}
	log.Warn("gave up on photo", "sha256", f.Sha256, "path", f.Path, "kind", kind, "err", err)
	_ = m.Term()
}

func (r *Runner) failure(data []byte, err error, kind string, deliveries uint64) *facetriagepb.Failure {
	s := r.identify(data)
	return &facetriagepb.Failure{
		Sha256: s.SHA256, Path: s.Path, Batch: s.Batch, Stage: r.Stage.Name(),
		Error: err.Error(), Kind: kind, ErrorKind: ErrorKind(err),
		Deliveries: deliveries, TimeUnix: time.Now().Unix(),
	}
}

// identify is Stage.Identify, which must not fail; if it panics all the
// same, the record names what it can (the stage and the error).
func (r *Runner) identify(data []byte) (s Subject) {
	_ = guard(func() error {
		s = r.Stage.Identify(data)
		return nil
	})
	return s
}

// maxDeliveriesAdvisory is the part of JetStream's advisory we read.
type maxDeliveriesAdvisory struct {
	Stream     string `json:"stream"`
	Consumer   string `json:"consumer"`
	StreamSeq  uint64 `json:"stream_seq"`
	Deliveries uint64 `json:"deliveries"`
}

// WatchMaxDeliveries records messages whose every delivery timed out (a
// worker died each time), which no stage saw fail, and removes them from
// the work queue. One instance per stage handles each advisory. Run calls
// it; stop ends the watch.
func (r *Runner) WatchMaxDeliveries(ctx context.Context) (stop func(), err error) {
	name := r.Stage.Name()
	stream := bus.StreamOf(name)
	subj := "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + stream + "." + name
	sub, err := r.NC.QueueSubscribe(subj, "ft-advisory-"+name, func(am *nats.Msg) {
		if err := guard(func() error { r.recordMaxDeliveries(ctx, stream, am); return nil }); err != nil {
			r.Log.Error("advisory handler panicked", "stage", name, "err", err)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("pipeline: advisory subscription: %w", err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

// recordMaxDeliveries records the message an advisory names, and removes
// it. The server no longer delivers that message: the advisory is its only
// trace, so a failure to read or record it (the store full, JetStream
// restarting) is retried, with the runner's backoff, until it succeeds,
// the message is gone, or ctx ends; the retries run beside the
// subscription, which goes on with the next advisory.
func (r *Runner) recordMaxDeliveries(ctx context.Context, stream string, am *nats.Msg) {
	var a maxDeliveriesAdvisory
	if err := json.Unmarshal(am.Data, &a); err != nil {
		return
	}
	if r.recordMaxDeliveriesOnce(ctx, stream, a) == nil {
		return
	}
	go func() {
		for attempt := 0; ; attempt++ {
			sleep(ctx, r.backoff(attempt+1))
			if ctx.Err() != nil {
				r.Log.Error("stopped before the photo whose every delivery failed was recorded; it stays in the work queue, not delivered again", "stage", r.Stage.Name(), "stream_seq", a.StreamSeq)
				return
			}
			if r.recordMaxDeliveriesOnce(ctx, stream, a) == nil {
				return
			}
		}
	}()
}

// recordMaxDeliveriesOnce is one attempt: nil when the message is
// recorded and removed, or already gone.
func (r *Runner) recordMaxDeliveriesOnce(ctx context.Context, stream string, a maxDeliveriesAdvisory) error {
	name := r.Stage.Name()
	s, err := r.JS.Stream(ctx, stream)
	if err != nil {
		r.Log.Error("cannot read the work queue to record a photo whose every delivery failed; retrying", "stage", name, "stream_seq", a.StreamSeq, "err", err)
		return err
	}
	raw, err := s.GetMsg(ctx, a.StreamSeq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil // already acknowledged or removed
	}
	if err != nil {
		r.Log.Error("cannot read a photo whose every delivery failed; retrying", "stage", name, "stream_seq", a.StreamSeq, "err", err)
		return err
	}
	f := r.failure(raw.Data, errors.New("every delivery timed out: the worker died or hung"), "max_deliveries", a.Deliveries)
	if err := r.Failures.RecordFailure(ctx, f); err != nil {
		r.Log.Error("cannot record failure; retrying", "stage", name, "sha256", f.Sha256, "err", err)
		return err
	}
	_ = s.DeleteMsg(ctx, a.StreamSeq)
	r.Log.Warn("gave up on photo", "stage", name, "sha256", f.Sha256, "kind", f.Kind)
	return nil
}

// backoff is the delay before retry number n (1 is the first).
func (r *Runner) backoff(n int) time.Duration {
	b := r.Backoff
	if len(b) == 0 {
		b = bus.Backoff
	}
	return b[min(max(n, 1), len(b))-1]
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
