package ingestjobs

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/bus"
)

// Queue is one stage's work queue (its JetStream consumer).
type Queue struct {
	Stage string `json:"stage"`
	// Pending photos wait for a worker; InProgress are held by one;
	// Redelivered were handed out more than once.
	Pending     uint64 `json:"pending"`
	InProgress  int    `json:"in_progress"`
	Redelivered int    `json:"redelivered"`
}

// KindCount is how many failure records have one kind.
type KindCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// Overview is what the admins' ingest page shows.
type Overview struct {
	Jobs     []Job       `json:"jobs"`
	Queues   []Queue     `json:"queues"`
	Failures []KindCount `json:"failures_by_kind"`
}

// Overview is the running and recent jobs, the queue of each stage and
// the archive's failures by kind: for admins.
func (s *Service) Overview(ctx context.Context, a auth.Actor) (Overview, error) {
	if !a.Is(auth.RoleAdmin) {
		return Overview{}, fmt.Errorf("%w: the ingest overview is for admins", auth.ErrForbidden)
	}
	jobs, err := s.Jobs(ctx, a, 50)
	if err != nil {
		return Overview{}, err
	}
	qs, kinds, err := s.State(ctx)
	return Overview{Jobs: jobs, Queues: qs, Failures: kinds}, err
}

// stateTTL is how long State's answer is reused: failures by kind read
// every failure record.
const stateTTL = 10 * time.Second

type overviewCache struct {
	mu     sync.Mutex
	at     time.Time
	queues []Queue
	kinds  []KindCount
}

// State is each stage's queue and the failure records by kind, read at
// most every few seconds (for the metrics and the overview).
func (s *Service) State(ctx context.Context) ([]Queue, []KindCount, error) {
	c := &s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) < stateTTL && c.queues != nil {
		return c.queues, c.kinds, nil
	}
	qs, err := s.queues(ctx)
	if err != nil {
		return nil, nil, err
	}
	kinds, err := s.failureKinds(ctx)
	if err != nil {
		return nil, nil, err
	}
	c.at, c.queues, c.kinds = time.Now(), qs, kinds
	return qs, kinds, nil
}

func (s *Service) queues(ctx context.Context) ([]Queue, error) {
	var out []Queue
	for _, stage := range bus.Stages {
		cons, err := s.cfg.JS.Consumer(ctx, bus.StreamOf(stage), stage)
		if err != nil {
			return nil, fmt.Errorf("ingest: queue %s: %w", stage, err)
		}
		ci, err := cons.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("ingest: queue %s: %w", stage, err)
		}
		out = append(out, Queue{Stage: stage, Pending: ci.NumPending, InProgress: ci.NumAckPending, Redelivered: ci.NumRedelivered})
	}
	return out, nil
}

func (s *Service) failureKinds(ctx context.Context) ([]KindCount, error) {
	out := []KindCount{}
	if s.cfg.Failures == nil {
		return out, nil
	}
	recs, err := s.cfg.Failures.Failures(ctx)
	if err != nil {
		return nil, fmt.Errorf("ingest: failure records: %w", err)
	}
	n := map[string]int{}
	for _, r := range recs {
		n[kindOfRecord(r.ErrorKind, r.Kind)]++
	}
	for k, c := range n {
		out = append(out, KindCount{Kind: k, Count: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Kind < out[j].Kind
	})
	return out, nil
}

// Running is the number of jobs queued or running.
func (s *Service) Running() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}
