package ingestjobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

// Auditor appends to the audit trail (audit.Log).
type Auditor interface {
	Append(ctx context.Context, e audit.Event) (audit.Event, error)
}

// FailureRecords are the archive's failure records (archive.Catalogue).
type FailureRecords interface {
	Failures(ctx context.Context) ([]*facetriagepb.Failure, error)
}

// Config is what the service is built from.
type Config struct {
	// Ingester sends photos down the pipeline (package ingest).
	Ingester *ingest.Ingester
	// Failures are read for the failures by kind, and to class a job's
	// failed photos.
	Failures FailureRecords
	// JS is the JetStream of the pipeline: the jobs' bucket, the queues.
	JS       jetstream.JetStream
	Replicas int
	Audit    Auditor
	// Dir keeps the uploads, where their photos then lie (evidence exports
	// read them there); "" turns ingest over HTTP off (ErrDisabled).
	Dir string
	// MinFree is the space an upload leaves on Dir's disk (default MinFree).
	MinFree int64
	// ExpandFloor is what a compressed upload may always expand to
	// (default 1 GiB); beyond it, at most 20 times its size (see ErrBomb).
	ExpandFloor int64
	// Storage, when set, pauses a job while the store cannot write.
	Storage ingest.Storage
	// Patterns are the file-name patterns for the decode stage.
	Patterns []string
	// AfterIndexed runs when a job indexed photos: the standing search.
	AfterIndexed func(ctx context.Context) error
	Log          *slog.Logger
}

// Service runs ingest jobs over HTTP, one after another, in the
// background; see the package comment for its rules.
type Service struct {
	cfg  Config
	st   *store
	host string

	mu    sync.Mutex
	live  map[string]*Job // queued and running jobs, as they are now
	queue []string
	wake  chan struct{}

	cache  overviewCache
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Open opens the jobs' bucket and, when it keeps uploads (cfg.Dir), takes
// up the jobs a stopped process left queued or running and starts the
// runner, which stops when ctx ends or Close is called. Without Dir it
// only reads jobs.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.MinFree <= 0 {
		cfg.MinFree = MinFree
	}
	if cfg.ExpandFloor <= 0 {
		cfg.ExpandFloor = bombFloor
	}
	if cfg.Dir != "" {
		abs, err := filepath.Abs(cfg.Dir)
		if err != nil {
			return nil, fmt.Errorf("ingest: %w", err)
		}
		cfg.Dir = abs
	}
	st, err := openStore(ctx, cfg.JS, cfg.Replicas)
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, st: st, live: map[string]*Job{}, wake: make(chan struct{}, 1)}
	s.host, _ = os.Hostname()
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if cfg.Dir == "" {
		return s, nil
	}
	if err := s.resume(ctx); err != nil {
		return nil, err
	}
	go func() {
		select {
		case <-ctx.Done():
			s.cancel()
		case <-s.ctx.Done():
		}
	}()
	s.wg.Add(1)
	go func() { defer s.wg.Done(); s.runner() }()
	return s, nil
}

// Close stops the runner and waits for it: a running job stays "running"
// in its record and runs again at the next start.
func (s *Service) Close() {
	s.cancel()
	s.wg.Wait()
}

// resume queues again the jobs left queued or running, oldest first, and
// records an upload that was cut off.
func (s *Service) resume(ctx context.Context) error {
	jobs, err := s.st.all(ctx)
	if err != nil {
		return err
	}
	for i := len(jobs) - 1; i >= 0; i-- {
		j := jobs[i]
		switch j.State {
		case StateReceiving:
			if j.Host != "" && j.Host != s.host {
				continue
			}
			s.fail(ctx, &j, fmt.Errorf("%w: the server stopped while it was received", ErrInterrupted))
		case StateQueued, StateRunning:
			if j.Host != "" && j.Host != s.host {
				continue // another machine's (scale-out): it takes it up
			}
			s.cfg.Log.Info("ingest job resumed", "job", j.ID, "state", j.State)
			j.State = StateQueued
			s.live[j.ID] = &j
			s.queue = append(s.queue, j.ID)
		}
	}
	return nil
}

// mayRead: admins read every job, ingest accounts their own.
func mayRead(a auth.Actor) error {
	if a.Is(auth.RoleAdmin, auth.RoleIngest) {
		return nil
	}
	return fmt.Errorf("%w: only ingest accounts and admins read ingest jobs", auth.ErrForbidden)
}

func visible(a auth.Actor, j Job) bool { return a.Role == auth.RoleAdmin || j.Owner == a.Name }

// Start keeps an upload and queues its job: the job is recorded, and its
// start audited, before a byte is read. When the upload cannot be kept
// (too large, cut off, a full disk, a bomb, an unknown format) the job is
// recorded as failed with the reason, and returned with the error. Only
// the ingest role starts jobs.
func (s *Service) Start(ctx context.Context, a auth.Actor, up Upload) (Job, error) {
	if !a.Is(auth.RoleIngest) {
		return Job{}, fmt.Errorf("%w: only ingest accounts start ingest jobs", auth.ErrForbidden)
	}
	if s.cfg.Dir == "" {
		return Job{}, ErrDisabled
	}
	source := strings.TrimSpace(up.Source)
	if !utf8.ValidString(source) || len(source) > 200 || strings.ContainsFunc(source, isControl) {
		return Job{}, fmt.Errorf("%w: the source name must be UTF-8 text of at most 200 bytes", ErrInvalid)
	}
	if (up.Archive == nil) == (up.Photos == nil) {
		return Job{}, fmt.Errorf("%w: an archive or photos", ErrInvalid)
	}
	j := Job{ID: newID(), Source: source, Owner: a.Name, By: a.AuditName(), State: StateReceiving, Host: s.host,
		Created: time.Now().UTC(), Failures: []Failure{}}
	if err := s.st.put(ctx, j); err != nil {
		return Job{}, err
	}
	if _, err := s.cfg.Audit.Append(ctx, a.Event("ingest_start", "", j.ID, map[string]string{"source": source})); err != nil {
		err = fmt.Errorf("ingest: audit: %w", err)
		s.fail(ctx, &j, err)
		return j, err
	}
	if err := s.receive(ctx, &j, up); err != nil {
		s.fail(ctx, &j, err)
		return j, err
	}
	j.State = StateQueued
	if err := s.st.put(ctx, j); err != nil {
		return j, err
	}
	live := copyJob(&j) // the runner's own: j goes back to the caller
	s.mu.Lock()
	s.live[j.ID] = &live
	s.queue = append(s.queue, j.ID)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return j, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// receive writes the upload to disk and keeps it under its SHA-256.
func (s *Service) receive(ctx context.Context, j *Job, up Upload) error {
	sp, err := newSpooler(s.cfg.Dir, j.ID, s.cfg.MinFree)
	if err != nil {
		return err
	}
	ext := fmtTar
	if up.Archive != nil {
		ext, err = spoolArchive(sp, up.Archive)
	} else {
		_, err = spoolPhotos(sp, up.Photos)
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		sp.abort()
		return err
	}
	if err := sp.finish(); err != nil {
		return err
	}
	if err := checkBomb(sp.tmp, ext, sp.n, s.cfg.ExpandFloor); err != nil {
		os.Remove(sp.tmp)
		return err
	}
	name, sum, err := sp.keep(ext)
	if err != nil {
		return err
	}
	j.Upload, j.UploadSHA256, j.UploadBytes = name, sum, sp.n
	return nil
}

// fail records that a job could not run, and audits it.
func (s *Service) fail(ctx context.Context, j *Job, err error) {
	j.State, j.Error, j.ErrorKind, j.Finished = StateFailed, err.Error(), KindOf(err), time.Now().UTC()
	s.cfg.Log.Warn("ingest job failed", "job", j.ID, "kind", j.ErrorKind, "err", err)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if perr := s.st.put(ctx, *j); perr != nil {
		s.cfg.Log.Error("cannot record a failed ingest job", "job", j.ID, "err", perr)
	}
	s.auditEnd(ctx, *j)
}

// KindOf names why a job could not run.
func KindOf(err error) string {
	switch {
	case errors.Is(err, ErrTooLarge):
		return KindTooLarge
	case errors.Is(err, ErrStorageFull):
		return KindStorageFull
	case errors.Is(err, ErrBomb):
		return KindBomb
	case errors.Is(err, ErrFormat):
		return KindFormat
	case errors.Is(err, ErrEmpty):
		return KindEmpty
	case errors.Is(err, ErrInterrupted), errors.Is(err, context.Canceled):
		return KindInterrupted
	}
	return KindInternal
}

func (s *Service) auditEnd(ctx context.Context, j Job) {
	c := j.Counts
	d := map[string]string{"state": j.State, "source": j.Source, "upload_sha256": j.UploadSHA256,
		"found": strconv.Itoa(c.Found), "indexed": strconv.Itoa(c.Indexed), "done_before": strconv.Itoa(c.DoneBefore),
		"no_face": strconv.Itoa(c.NoFace), "failed": strconv.Itoa(c.Failed), "unreadable": strconv.Itoa(c.Unreadable)}
	if j.ErrorKind != "" {
		d["error_kind"] = j.ErrorKind
	}
	e := audit.Event{Actor: j.By, Role: string(auth.RoleIngest), Action: "ingest_end", Object: j.ID, Detail: d}
	if _, err := s.cfg.Audit.Append(ctx, e); err != nil {
		s.cfg.Log.Error("cannot audit the end of an ingest job", "job", j.ID, "err", err)
	}
}

func newID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// Job returns a job as it is now.
func (s *Service) Job(ctx context.Context, a auth.Actor, id string) (Job, error) {
	if err := mayRead(a); err != nil {
		return Job{}, err
	}
	j, err := s.current(ctx, id)
	if err != nil {
		return Job{}, err
	}
	if !visible(a, j) {
		return Job{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return j, nil
}

func (s *Service) current(ctx context.Context, id string) (Job, error) {
	s.mu.Lock()
	if j, ok := s.live[id]; ok {
		c := copyJob(j)
		s.mu.Unlock()
		return c, nil
	}
	s.mu.Unlock()
	return s.st.get(ctx, id)
}

func copyJob(j *Job) Job {
	c := *j
	c.Failures = append([]Failure{}, j.Failures...)
	return c
}

// Jobs lists the running, queued and recent jobs, newest first, at most
// limit (0: 100): an admin's every job, an ingest account's its own.
func (s *Service) Jobs(ctx context.Context, a auth.Actor, limit int) ([]Job, error) {
	if err := mayRead(a); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 100
	}
	all, err := s.st.all(ctx)
	if err != nil {
		return nil, err
	}
	out := []Job{}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range all {
		if l, ok := s.live[j.ID]; ok {
			j = copyJob(l)
		}
		if !visible(a, j) {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, j)
	}
	return out, nil
}
