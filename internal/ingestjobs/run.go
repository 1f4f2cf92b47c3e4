package ingestjobs

import (
	"context"
	"path/filepath"
	"time"

	"github.com/facetriage/facetriage/internal/ingest"
)

// saveEvery is how often a running job's counts are saved.
const saveEvery = 2 * time.Second

// runner runs the queued jobs one after another until the service stops.
func (s *Service) runner() {
	for {
		s.mu.Lock()
		var id string
		if len(s.queue) > 0 {
			id, s.queue = s.queue[0], s.queue[1:]
		}
		s.mu.Unlock()
		if id == "" {
			select {
			case <-s.ctx.Done():
				return
			case <-s.wake:
				continue
			}
		}
		s.run(s.ctx, id)
		if s.ctx.Err() != nil {
			return
		}
	}
}

// snapshot copies a live job.
func (s *Service) snapshot(j *Job) Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copyJob(j)
}

// run runs one job through the pipeline, saving its counts as they
// change. When the service stops in the middle, the job stays running in
// its record, to run again at the next start.
func (s *Service) run(ctx context.Context, id string) {
	s.mu.Lock()
	j := s.live[id]
	j.State = StateRunning
	if j.Started.IsZero() {
		j.Started = time.Now().UTC()
	}
	s.mu.Unlock()
	s.save(ctx, s.snapshot(j))
	s.cfg.Log.Info("ingest job running", "job", id, "source", j.Source, "upload", j.Upload)

	stop := make(chan struct{})
	saved := make(chan struct{})
	go func() { // save the counts now and then while it runs
		defer close(saved)
		t := time.NewTicker(saveEvery)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				s.save(ctx, s.snapshot(j))
			}
		}
	}()
	opts := ingest.Options{Paths: []string{filepath.Join(s.cfg.Dir, j.Upload)}, Source: j.Source, Patterns: s.cfg.Patterns,
		Batch: "http-" + id, SkipKnown: true, Storage: s.cfg.Storage, Log: s.cfg.Log.With("job", id),
		Report: func(sum ingest.Summary, o *ingest.Outcome) { s.report(j, sum, o) }}
	sum, err := s.cfg.Ingester.Run(ctx, opts)
	close(stop)
	<-saved

	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if ctx.Err() != nil { // the service stops: run it again at the next start
		s.save(bg, s.snapshot(j))
		return
	}
	s.mu.Lock()
	j.Counts = countsOf(sum)
	s.mu.Unlock()
	if err != nil {
		s.mu.Lock()
		done := copyJob(j)
		delete(s.live, id)
		s.mu.Unlock()
		s.fail(bg, &done, err)
		return
	}
	s.classify(bg, j)
	s.mu.Lock()
	j.State, j.Finished = StateDone, time.Now().UTC()
	done := copyJob(j)
	s.mu.Unlock()
	s.save(bg, done)
	s.auditEnd(bg, done)
	s.mu.Lock()
	delete(s.live, id)
	s.mu.Unlock()
	s.cfg.Log.Info("ingest job done", "job", id, "summary", sum.String())
	if sum.Indexed > 0 && s.cfg.AfterIndexed != nil {
		if err := s.cfg.AfterIndexed(ctx); err != nil {
			s.cfg.Log.Error("standing search after an ingest job failed", "job", id, "err", err)
		}
	}
	if all, err := s.st.all(bg); err == nil {
		s.st.prune(bg, all)
	}
}

// report takes ingest's counts and the entry that changed them.
func (s *Service) report(j *Job, sum ingest.Summary, o *ingest.Outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j.Counts = countsOf(sum)
	if o == nil || o.Result == ingest.ResultIndexed || o.Result == ingest.ResultNoFace {
		return
	}
	if len(j.Failures) >= MaxFailures {
		j.MoreFailures++
		return
	}
	j.Failures = append(j.Failures, Failure{Path: o.Path, SHA256: o.SHA256, Result: o.Result, Kind: o.Kind, Reason: o.Reason})
}

// classify gives the job's photos that a stage gave up on the kind of
// their failure record.
func (s *Service) classify(ctx context.Context, j *Job) {
	s.mu.Lock()
	need := false
	for _, f := range j.Failures {
		need = need || (f.Kind == "" && f.SHA256 != "")
	}
	s.mu.Unlock()
	if !need || s.cfg.Failures == nil {
		return
	}
	recs, err := s.cfg.Failures.Failures(ctx)
	if err != nil {
		s.cfg.Log.Warn("cannot read the failure records", "err", err)
		return
	}
	kinds := map[string]string{}
	for _, r := range recs {
		if r.Sha256 != "" && kinds[r.Sha256] == "" {
			kinds[r.Sha256] = kindOfRecord(r.ErrorKind, r.Kind)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range j.Failures {
		if f.Kind == "" && f.SHA256 != "" {
			j.Failures[i].Kind = kinds[f.SHA256]
		}
	}
}

// kindOfRecord is a failure record's kind: its error kind, else how the
// stage gave up (transient, max_deliveries).
func kindOfRecord(errorKind, kind string) string {
	if errorKind != "" {
		return errorKind
	}
	return kind
}

func (s *Service) save(ctx context.Context, j Job) {
	if err := s.st.put(ctx, j); err != nil && ctx.Err() == nil {
		s.cfg.Log.Warn("cannot save an ingest job's progress", "job", j.ID, "err", err)
	}
}
