package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/facetriage/facetriage/internal/bus"
)

// Storage errors: what Storage.Check returns, inside a *StorageError.
var (
	// ErrInsufficientStorage means the disk of the data directory is full,
	// or nearly: the store cannot take more. Freeing space there is enough:
	// the process recovers by itself.
	ErrInsufficientStorage = errors.New("insufficient storage")
	// ErrStoreUnwritable means a probe write to the store failed for
	// another reason (the server is gone, or refuses).
	ErrStoreUnwritable = errors.New("the store cannot write")
)

// StorageError says why the store cannot write.
type StorageError struct {
	// Kind is ErrInsufficientStorage or ErrStoreUnwritable.
	Kind error
	// Dir is the data directory, or "" when the store is a NATS cluster.
	Dir string
	// Free is the space left on Dir's disk, MinFree what the store needs.
	Free, MinFree int64
	// AtLimit: JetStream refused at its own limit (three quarters of the
	// disk that was free when it started), not for want of disk.
	AtLimit bool
	// Probe is the probe write's error, if it failed.
	Probe error
}

func (e *StorageError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if e.Dir != "" {
		fmt.Fprintf(&b, " in the data directory %s: %s", e.Dir, e.space())
		if errors.Is(e.Kind, ErrInsufficientStorage) {
			b.WriteString("; free space there and the work resumes")
		}
	}
	if e.Probe != nil {
		fmt.Fprintf(&b, " (a probe write failed: %v)", e.Probe)
	}
	return b.String()
}

// Unwrap gives Kind and Probe to errors.Is and errors.As.
func (e *StorageError) Unwrap() []error { return []error{e.Kind, e.Probe} }

// space says how much is free, and why that is not enough.
func (e *StorageError) space() string {
	switch {
	case e.AtLimit:
		return fmt.Sprintf("the store is at its limit (three quarters of the disk that was free when it started), %s free", mib(e.Free))
	case errors.Is(e.Kind, ErrInsufficientStorage):
		return fmt.Sprintf("%s free, at least %s needed", mib(e.Free), mib(e.MinFree))
	}
	return mib(e.Free) + " free"
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// StorageOptions configure the storage watch.
type StorageOptions struct {
	// MinFree is the free space the data directory's disk must keep
	// (default 64 MiB): below it, the store counts as full, before the disk
	// is, so that JetStream's streams are not hit by a failed write.
	MinFree int64
	// Every is how often the watch probes (default 5 s).
	Every time.Duration
	// ProbeTimeout bounds a probe write (default 3 s).
	ProbeTimeout time.Duration
}

// Storage watches whether the store can write, says why not, and brings
// the embedded JetStream back once space returns.
//
// What nats-server 2.15 does when its disk fills (observed): a write that
// fails with ENOSPC leaves that stream with a permanent write error; every
// later publish to it gets no answer at all (the client times out), even
// after space is freed, while other streams go on. JetStream's own limit
// (three quarters of the free disk at start) is fixed until it restarts.
// Shutting JetStream down and enabling it again in the same server reopens
// every stream from disk, with every acknowledged message, and derives the
// limit again; connections stay up. Storage does that once a storage
// failure was seen and the space has come back.
type Storage struct {
	rt  *Runtime
	dir string // "" when the store is a NATS cluster
	o   StorageOptions

	mu      sync.Mutex
	kv      jetstream.KeyValue
	state   error     // the last check's answer
	checked time.Time // when
	// sticky: a write failed with ENOSPC since JetStream last started, and
	// its stream refuses every write until JetStream restarts.
	sticky bool
	// full: the last probe failed for lack of space (ENOSPC, or
	// JetStream's own limit, which only a restart raises).
	full          bool
	freeAtFailure int64 // the least free space seen since the failure, or -1
	lastRestart   time.Time
	// epoch counts the edges of restarts (one as a restart begins, one as
	// it ends): a write error the server logged under another epoch came
	// from a JetStream that a restart has replaced, or was logged during
	// the restart, by the JetStream it shuts down.
	epoch atomic.Uint64

	writable, free prometheus.Gauge
	restarts       prometheus.Counter
}

var storages sync.Map // *Runtime → *Storage

// Storage is the runtime's storage watch, started on first use with the
// default options.
func (rt *Runtime) Storage() *Storage { return rt.WatchStorage(StorageOptions{}) }

// WatchStorage starts the runtime's storage watch with o, or returns the
// one already running (whose options stay). The watch stops when the
// runtime closes.
func (rt *Runtime) WatchStorage(o StorageOptions) *Storage {
	if s, ok := storages.Load(rt); ok {
		return s.(*Storage)
	}
	if o.MinFree <= 0 {
		o.MinFree = 64 << 20
	}
	if o.Every <= 0 {
		o.Every = 5 * time.Second
	}
	if o.ProbeTimeout <= 0 {
		o.ProbeTimeout = 3 * time.Second
	}
	s := &Storage{rt: rt, o: o, freeAtFailure: -1}
	if rt.Cfg.Embedded() {
		s.dir = rt.Cfg.DataDirOrDefault()
	}
	if actual, loaded := storages.LoadOrStore(rt, s); loaded {
		return actual.(*Storage)
	}
	s.writable = registered(rt.Registry, prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "facetriage_storage_writable", Help: "1 when the store takes writes, 0 when it cannot (see the log for why).",
	}))
	s.free = registered(rt.Registry, prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "facetriage_storage_free_bytes", Help: "Free space on the data directory's disk (embedded mode).",
	}))
	s.restarts = registered(rt.Registry, prometheus.NewCounter(prometheus.CounterOpts{
		Name: "facetriage_jetstream_restarts_total", Help: "Restarts of the embedded JetStream to recover from a full disk.",
	}))
	if srv := rt.embeddedServer(); srv != nil {
		// The server closes a logger it replaces that is an io.Closer:
		// such a logger is left alone, and the probe alone watches.
		if inner := srv.Logger(); !isCloser(inner) {
			srv.SetLoggerV2(writeErrorHook{inner: inner, seen: s.sawWriteError}, false, false, false)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.watch(ctx)
	}()
	rt.OnClose(func() {
		cancel()
		<-done
		storages.Delete(rt)
	})
	return s
}

func (rt *Runtime) embeddedServer() *server.Server {
	if rt.Embedded == nil {
		return nil
	}
	return rt.Embedded.Server()
}

// watch checks every o.Every until ctx ends, logging each change.
func (s *Storage) watch(ctx context.Context) {
	t := time.NewTicker(s.o.Every)
	defer t.Stop()
	var last error
	for {
		err := s.check(ctx, 0)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && (last == nil || err.Error() != last.Error()):
			s.rt.Log.Error("the store cannot write", "cause", err, "data", s.dir)
		case err == nil && last != nil:
			s.rt.Log.Info("the store takes writes again", "data", s.dir)
		}
		last = err
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Check reports whether the store takes writes: nil, or a *StorageError
// that says why not. Answers are reused for a second, so callers may ask
// before every write.
func (s *Storage) Check(ctx context.Context) error { return s.check(ctx, time.Second) }

// check answers from the last check when it is younger than fresh, and
// checks again otherwise. Callers that arrive during a check wait for it
// and share its answer.
func (s *Storage) check(ctx context.Context, fresh time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.checked) < fresh {
		return s.state
	}
	err := s.checkLocked(ctx)
	if err != nil && (s.sticky || s.full) && s.spaceBack(freeOf(s.dir)) {
		err = s.recoverLocked(ctx, err)
	}
	s.state, s.checked = err, time.Now()
	if err != nil {
		s.writable.Set(0)
	} else {
		s.writable.Set(1)
	}
	return err
}

// checkLocked measures the free space and writes the probe.
func (s *Storage) checkLocked(ctx context.Context) error {
	free := freeOf(s.dir)
	if s.dir != "" {
		s.free.Set(float64(free))
	}
	low := s.dir != "" && free < s.o.MinFree
	perr := s.probe(ctx)
	atLimit := bus.IsAtLimit(perr)
	noSpace := low || bus.IsOutOfSpace(perr)
	s.full = perr != nil && noSpace
	if s.full {
		// With the disk (nearly) full, a probe that gets no answer is a
		// write that failed with ENOSPC: its stream keeps the error.
		s.noteFailureLocked(free, low || (perr != nil && !atLimit && bus.IsOutOfSpace(perr)))
	}
	if perr == nil && !low && !s.sticky {
		s.freeAtFailure = -1
		return nil
	}
	e := &StorageError{Kind: ErrStoreUnwritable, Dir: s.dir, Free: free, MinFree: s.o.MinFree, Probe: perr, AtLimit: atLimit && !low}
	if noSpace || s.sticky {
		// With sticky set and the probe passing, another stream may still
		// hold a write error from the full disk: not ready until the
		// restart (check) clears it.
		e.Kind = ErrInsufficientStorage
	}
	return e
}

// probe writes a small key.
func (s *Storage) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.o.ProbeTimeout)
	defer cancel()
	if s.kv == nil {
		kv, err := s.rt.JS.KeyValue(ctx, bus.BucketHealth)
		if err != nil {
			return fmt.Errorf("bucket %s: %w", bus.BucketHealth, err)
		}
		s.kv = kv
	}
	_, err := s.kv.Put(ctx, "probe", []byte(time.Now().UTC().Format(time.RFC3339Nano)))
	return err
}

// sawWriteError is called by the server's log when a write failed for
// lack of space (sticky: ENOSPC) or was refused at JetStream's limit.
//
// A line logged before or while the embedded JetStream restarts is
// dropped: it speaks of the streams the restart replaced, and taking it
// after the restart (the goroutine below waits for the lock the restart
// holds) would mark the new streams as failed, at the free space there is
// once space is back, so that spaceBack could never be true again. The
// probe after the restart says whether the new JetStream can write.
func (s *Storage) sawWriteError(sticky bool) {
	epoch := s.epoch.Load()
	go func() { // the server may hold its locks while it logs
		s.mu.Lock()
		defer s.mu.Unlock()
		if epoch%2 == 1 || s.epoch.Load() != epoch {
			return
		}
		s.noteFailureLocked(freeOf(s.dir), sticky)
		s.checked = time.Time{} // the next Check looks again
	}()
}

// noteFailureLocked remembers a failure for lack of space, and the least
// free space seen since.
func (s *Storage) noteFailureLocked(free int64, sticky bool) {
	if s.freeAtFailure < 0 || free < s.freeAtFailure {
		s.freeAtFailure = free
	}
	// Only the embedded server can be restarted; a cluster's errors
	// clear as its servers recover, and the probe says when.
	s.sticky = s.sticky || (sticky && s.rt.embeddedServer() != nil)
}

// spaceBack reports whether space came back since the failure: at least
// MinFree free, and MinFree more than when it failed (JetStream's own limit
// is then higher too, once it restarts).
func (s *Storage) spaceBack(free int64) bool {
	return s.dir != "" && free >= s.o.MinFree && free >= s.freeAtFailure+s.o.MinFree
}

// recoverLocked restarts the embedded JetStream and checks again; failing
// is the check's answer until then. In the scale-out mode there is nothing
// to restart: the cluster's servers recover as their operators free space.
func (s *Storage) recoverLocked(ctx context.Context, failing error) error {
	srv := s.rt.embeddedServer()
	if srv == nil || time.Since(s.lastRestart) < 10*time.Second {
		return failing
	}
	s.lastRestart = time.Now()
	s.epoch.Add(1) // odd while the restart runs (sawWriteError)
	s.rt.Log.Warn("space is back: restarting the embedded JetStream to clear its write errors", "data", s.dir, "free", freeOf(s.dir))
	lost, err := restartJetStream(ctx, srv, s.rt.JS, filepath.Join(s.dir, "jetstream"), bus.Topology{Replicas: s.rt.Cfg.Replicas})
	s.epoch.Add(1)
	if err != nil {
		s.rt.Log.Error("cannot restart the embedded JetStream: restart facetriage", "err", err)
		return &StorageError{Kind: ErrStoreUnwritable, Dir: s.dir, Free: freeOf(s.dir), MinFree: s.o.MinFree, Probe: err}
	}
	for _, l := range lost {
		s.rt.Log.Error(lostStreamAdvice(l.name), "stream", l.name, "messages_before", l.msgs, "data", s.dir)
	}
	s.restarts.Inc()
	s.sticky, s.full, s.freeAtFailure, s.kv = false, false, -1, nil
	return s.checkLocked(ctx)
}

// freeOf is the space left for unprivileged writers on dir's disk, or -1.
func freeOf(dir string) int64 {
	if dir == "" {
		return -1
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return -1
	}
	return int64(st.Bavail) * int64(st.Bsize)
}

// lostStreamAdvice says what a stream the restart could not bring back
// whole means, and what to do: an ingest run sends again every photo of a
// work queue not done (catalogued or not); a bucket's records need the
// last backup.
func lostStreamAdvice(stream string) string {
	if slices.ContainsFunc(bus.Stages, func(st string) bool { return bus.StreamOf(st) == stream }) {
		return "JetStream could not recover a work queue after the disk filled: photos that were waiting in it are lost from the queue; run ingest again on the same folders, which sends again every photo not done"
	}
	return "JetStream could not recover a store after the disk filled: records in it may be lost; check with `facetriage status` and restore the last backup if they are"
}
