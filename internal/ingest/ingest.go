// Package ingest is the batch job that brings a cache of photos into the
// archive: it walks folders, zip and tar archives, hashes each photo,
// publishes it to the decode stage, and waits until every photo is indexed
// or has failed, with a progress bar and a summary.
//
// It is safe to interrupt and run again: photos already through the
// pipeline are skipped, photos in flight are recognised by their message id
// or by their records, and every effect downstream is idempotent.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

// Publisher sends a PhotoJob (bus.Publisher).
type Publisher interface {
	Publish(ctx context.Context, stage string, m proto.Message, id string) error
}

// Catalogue is what ingest needs of archive.Catalogue.
type Catalogue interface {
	Photo(ctx context.Context, sha string) (archive.Photo, error)
	Reset(ctx context.Context, sha string) error
	Watch(ctx context.Context, fn func(archive.Photo)) error
	RecordFailure(ctx context.Context, f *facetriagepb.Failure) error
}

// Options describe one ingest run.
type Options struct {
	Paths []string
	// Source names the collection (e.g. "caesar").
	Source string
	// Patterns are file-name patterns for the decode stage; nil uses its own.
	Patterns []string
	// Window bounds the photos published but not yet through (default 256).
	Window int
	// RetryFailed publishes photos that failed before again.
	RetryFailed bool
	// Progress receives the progress: a bar on a terminal, plain lines
	// (no carriage returns) on anything else; nil shows none.
	Progress io.Writer
	// Batch names the run in the records (default: its start time, UTC).
	Batch string
	// SkipKnown counts a photo whose SHA-256 is already through the
	// pipeline as done before, whatever path it is found at now, and does
	// not send it again (its new path is not added to its record). Ingest
	// over HTTP uses it: an upload names no place where photos lie.
	SkipKnown bool
	// Report, when set, is called after every change of the counts, with
	// the outcome of the entry that changed them (nil when only the count
	// of photos found grew). It is called with ingest's lock held: it must
	// return quickly and not call back into the run.
	Report func(Summary, *Outcome)
	Log    *slog.Logger
	// Storage, when set, is asked before publishing: while the store cannot
	// write (a full disk), ingest pauses, says why, and resumes by itself.
	Storage Storage
}

// Summary is what a run did.
type Summary struct {
	Seen       int // photos found, and the entries recorded as not read
	Skipped    int // through the pipeline before this run (indexed, no face or failed)
	Published  int
	Indexed    int // indexed in this run
	Faces      int // faces indexed in this run
	NoFace     int
	Failed     int // a stage gave up (see `facetriage status`)
	Unreadable int // could not be read, is too large to carry, or is a damaged or nested archive (recorded)
	Links      int // symbolic links, hard links, FIFOs and devices: recorded, not followed
	Other      int // files whose names are not photos' or archives': counted, not read
	Elapsed    time.Duration
}

// Results of one entry (Outcome.Result).
const (
	ResultIndexed    = "indexed"
	ResultNoFace     = "no_face"
	ResultFailed     = "failed"     // a stage gave up
	ResultUnreadable = "unreadable" // not sent down the pipeline: Kind says why
	ResultLink       = "link"       // a link or special file: recorded, not followed
)

// Outcome is what became of one entry.
type Outcome struct {
	// Path is the entry's recorded path.
	Path   string
	SHA256 string // "" for an entry that was not read
	Result string
	// Kind classes an entry not read (archive.ErrorKind); Reason is the
	// error, for a person.
	Kind, Reason string
}

// Ingester runs ingest.
type Ingester struct {
	Publisher Publisher
	Catalogue Catalogue
}

type tracker struct {
	mu      sync.Mutex
	pending map[string]string // SHA-256 → the path it was published with
	window  chan struct{}
	sum     Summary
	changed chan struct{}
	bar     *bar
	gate    *gate
	report  func(Summary, *Outcome)
}

// changedLocked shows the counts and reports o; t.mu is held.
func (t *tracker) changedLocked(o *Outcome) {
	t.bar.update(t.sum)
	if t.report != nil {
		t.report(t.sum, o)
	}
}

// forget releases a photo marked pending whose message was never sent.
func (t *tracker) forget(sha string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.pending[sha]; ok {
		delete(t.pending, sha)
		<-t.window
	}
}

func (t *tracker) done(p archive.Photo) {
	t.mu.Lock()
	defer t.mu.Unlock()
	path, ok := t.pending[p.SHA256]
	if !ok || !p.Status.Done() {
		return
	}
	delete(t.pending, p.SHA256)
	<-t.window
	o := &Outcome{Path: path, SHA256: p.SHA256, Reason: p.Error}
	switch p.Status {
	case archive.StatusIndexed:
		t.sum.Indexed++
		t.sum.Faces += p.Faces
		o.Result = ResultIndexed
	case archive.StatusNoFace:
		t.sum.NoFace++
		o.Result, o.Kind = ResultNoFace, archive.ErrorKindNoFace
	default:
		t.sum.Failed++
		o.Result = ResultFailed
	}
	t.changedLocked(o)
	select {
	case t.changed <- struct{}{}:
	default:
	}
}

// Run ingests opts.Paths and returns when every photo published is through
// the pipeline, or ctx ends.
func (in *Ingester) Run(ctx context.Context, opts Options) (Summary, error) {
	start := time.Now()
	if err := checkText(opts); err != nil {
		return Summary{}, err
	}
	if opts.Window <= 0 {
		opts.Window = 256
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	batch := opts.Batch
	if batch == "" {
		batch = time.Now().UTC().Format("20060102T150405Z")
	}
	t := &tracker{pending: map[string]string{}, window: make(chan struct{}, opts.Window), changed: make(chan struct{}, 1),
		report: opts.Report}
	t.bar = newBar(opts.Progress, countPhotos(opts.Paths))
	t.gate = newGate(opts.Storage, opts.Log, opts.Progress)
	defer func() { // after the watch stops (deferred below), under the lock a late change takes
		t.mu.Lock()
		defer t.mu.Unlock()
		t.bar.finish()
	}()
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	if err := in.Catalogue.Watch(wctx, t.done); err != nil {
		return t.sum, err
	}
	err := archive.Walk(ctx, opts.Paths, bus.MaxPhotoBytes, func(it archive.Item) error {
		return in.one(ctx, opts, batch, t, it)
	})
	if err == nil {
		err = in.wait(ctx, t)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sum.Elapsed = time.Since(start)
	return t.sum, err
}

func (in *Ingester) one(ctx context.Context, opts Options, batch string, t *tracker, it archive.Item) error {
	t.mu.Lock()
	if it.Other {
		t.sum.Other++
		t.mu.Unlock()
		return nil
	}
	t.sum.Seen++
	t.bar.seen(t.sum.Seen)
	t.changedLocked(nil)
	t.mu.Unlock()
	if it.Err != nil {
		return in.unreadable(ctx, t, batch, it.Path, it.Err, opts.Log)
	}
	sum := sha256.Sum256(it.Data)
	sha := hex.EncodeToString(sum[:])
	rec, err := in.Catalogue.Photo(ctx, sha)
	switch {
	case errors.Is(err, archive.ErrNotFound):
	case err != nil:
		return err
	case rec.Status.Done() && !(opts.RetryFailed && rec.Status == archive.StatusFailed):
		if opts.SkipKnown || containsPath(rec.Paths, it.Path) {
			t.mu.Lock()
			t.sum.Skipped++
			t.changedLocked(nil)
			t.mu.Unlock()
			return nil
		}
	case opts.RetryFailed && rec.Status == archive.StatusFailed:
		if err := in.Catalogue.Reset(ctx, sha); err != nil {
			return err
		}
	}
	t.mu.Lock()
	_, already := t.pending[sha] // the same bytes twice in this run
	t.mu.Unlock()
	if !already {
		select {
		case t.window <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		t.mu.Lock()
		t.pending[sha] = it.Path
		t.mu.Unlock()
	}
	job := &facetriagepb.PhotoJob{Sha256: sha, Path: it.Path, Source: opts.Source, Data: it.Data,
		Batch: batch, NamePatterns: opts.Patterns}
	if !it.MTime.IsZero() {
		job.MtimeUnix = it.MTime.Unix()
	}
	// The id covers the path too: the same bytes at a second path must
	// reach the catalogue, while the same photo published twice must not.
	if err := in.publish(ctx, t.gate, job, msgID(sha, it.Path)); err != nil {
		if ctx.Err() != nil || !refused(err) {
			return err
		}
		// The bus refuses this photo's message: retrying cannot help.
		if !already {
			t.forget(sha)
		}
		return in.unreadable(ctx, t, batch, it.Path, refusal(err), opts.Log)
	}
	t.mu.Lock()
	t.sum.Published++
	t.mu.Unlock()
	// It may have finished before it was marked pending (a known photo at
	// a new path); look once.
	if p, err := in.Catalogue.Photo(ctx, sha); err == nil && p.Status.Done() && containsPath(p.Paths, it.Path) {
		t.done(p)
	}
	return nil
}

func msgID(sha, path string) string {
	h := sha256.Sum256([]byte(path))
	return sha + "-" + hex.EncodeToString(h[:8])
}

// publish retries while the work queue is full or the server busy, and
// waits, however long, while the store cannot write; a message the bus
// refuses (see refused) is not retried.
func (in *Ingester) publish(ctx context.Context, g *gate, job *facetriagepb.PhotoJob, id string) error {
	if err := g.hold(ctx); err != nil {
		return err
	}
	delay := 100 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := g.publish(ctx, func(ctx context.Context) error { return in.Publisher.Publish(ctx, bus.StageDecode, job, id) })
		if err == nil || ctx.Err() != nil || refused(err) {
			return err
		}
		if g.look(ctx) {
			if err := g.hold(ctx); err != nil {
				return err
			}
			attempt, delay = 0, 100*time.Millisecond
			continue
		}
		if attempt == 60 {
			return fmt.Errorf("ingest: %s: %w", archive.Printable(job.Path), err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 5*time.Second)
	}
}

// unreadable records an entry ingest could not send down the pipeline,
// with the reason (its error kind: archive.ErrorKind).
func (in *Ingester) unreadable(ctx context.Context, t *tracker, batch, path string, cause error, log *slog.Logger) error {
	kind := archive.ErrorKind(cause)
	log.Warn("cannot ingest", "path", path, "kind", kind, "err", cause)
	f := &facetriagepb.Failure{Path: path, Stage: "ingest", Error: cause.Error(), Kind: "permanent",
		ErrorKind: kind, TimeUnix: time.Now().Unix(), Batch: batch}
	if err := in.Catalogue.RecordFailure(ctx, f); err != nil {
		return err
	}
	t.mu.Lock()
	o := &Outcome{Path: path, Result: ResultUnreadable, Kind: kind, Reason: cause.Error()}
	switch kind {
	case archive.KindSymlink, archive.KindHardLink, archive.KindSpecial:
		t.sum.Links++
		o.Result = ResultLink
	default:
		t.sum.Unreadable++
	}
	t.changedLocked(o)
	t.mu.Unlock()
	return nil
}

// wait returns when no photo is pending. It also polls the records now and
// then, in case a change notification was missed (a reconnect).
func (in *Ingester) wait(ctx context.Context, t *tracker) error {
	poll := time.NewTicker(5 * time.Second)
	defer poll.Stop()
	progressed := false
	for {
		t.mu.Lock()
		var left []string
		for sha := range t.pending {
			left = append(left, sha)
		}
		t.mu.Unlock()
		if len(left) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("ingest interrupted with %d photos in flight (run it again to resume): %w", len(left), t.gate.stopped(ctx.Err()))
		case <-t.changed:
			progressed = true
		case <-poll.C:
			for _, sha := range left {
				if p, err := in.Catalogue.Photo(ctx, sha); err == nil {
					t.done(p)
				}
			}
			t.gate.observe(ctx, progressed, len(left))
			progressed = false
		}
	}
}

func containsPath(paths []string, p string) bool {
	for _, x := range paths {
		if x == p {
			return true
		}
	}
	return false
}

// AnyFailed reports whether an entry failed or could not be read (a photo
// without a face, or a link not followed, is not a failure).
func (s Summary) AnyFailed() bool { return s.Failed+s.Unreadable > 0 }

// String is the summary a person reads.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d photos found: %d indexed now (%d faces), %d done before, %d without a face, %d failed, %d unreadable",
		s.Seen, s.Indexed, s.Faces, s.Skipped, s.NoFace, s.Failed, s.Unreadable)
	if s.Links > 0 {
		fmt.Fprintf(&b, ", %d links or special files not followed", s.Links)
	}
	fmt.Fprintf(&b, "; %s", s.Elapsed.Round(time.Second))
	if s.Other > 0 {
		fmt.Fprintf(&b, "\n%d other files skipped: their names are not photos' or archives'.", s.Other)
	}
	if s.Failed+s.Unreadable+s.NoFace+s.Links > 0 {
		b.WriteString("\n`facetriage status` lists the photos that failed or had no face, and the entries not read.")
	}
	return b.String()
}
