package ingestjobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
)

// Bucket keeps the jobs, one key per job id.
const Bucket = "ft_ingest_jobs"

// keepJobs is how many ended jobs the bucket keeps; older ones are
// deleted when a job starts (their failures stay in the archive's records).
const keepJobs = 500

type store struct{ kv jetstream.KeyValue }

func openStore(ctx context.Context, js jetstream.JetStream, replicas int) (*store, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: Bucket, History: 1,
		Storage: jetstream.FileStorage, Replicas: max(replicas, 1), Description: "facetriage ingest jobs over HTTP"})
	if err != nil {
		return nil, fmt.Errorf("ingest: bucket %s: %w", Bucket, err)
	}
	return &store{kv: kv}, nil
}

func (s *store) put(ctx context.Context, j Job) error {
	b, err := json.Marshal(j)
	if err != nil {
		return err
	}
	if _, err := s.kv.Put(ctx, j.ID, b); err != nil {
		return fmt.Errorf("ingest: saving job %s: %w", j.ID, err)
	}
	return nil
}

func (s *store) get(ctx context.Context, id string) (Job, error) {
	e, err := s.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrInvalidKey) {
		return Job{}, ErrNotFound
	}
	if err != nil {
		return Job{}, fmt.Errorf("ingest: job %s: %w", id, err)
	}
	var j Job
	if err := json.Unmarshal(e.Value(), &j); err != nil {
		return Job{}, fmt.Errorf("ingest: job %s: %w", id, err)
	}
	return j, nil
}

// all returns every job, newest first.
func (s *store) all(ctx context.Context) ([]Job, error) {
	var out []Job
	err := bus.EachValue(ctx, s.kv, func(b []byte) error {
		var j Job
		if err := json.Unmarshal(b, &j); err != nil {
			return err
		}
		out = append(out, j)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ingest: jobs: %w", err)
	}
	sort.Slice(out, func(i, k int) bool { return out[i].ID > out[k].ID })
	return out, nil
}

// prune deletes the oldest ended jobs beyond keepJobs.
func (s *store) prune(ctx context.Context, jobs []Job) {
	ended := 0
	for _, j := range jobs {
		if !j.Ended() {
			continue
		}
		if ended++; ended > keepJobs {
			_ = s.kv.Delete(ctx, j.ID)
		}
	}
}
