package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/vector"
	"github.com/facetriage/facetriage/proto/facetriagepb"
	"github.com/facetriage/facetriage/workers/index"
)

// ErrSyncDeadline means a pass over the face records (SyncIndex) did not
// finish within its deadline. The error says how far it got.
var ErrSyncDeadline = errors.New("app: the index sync did not finish within its deadline")

// SyncOptions bound SyncIndexWith.
type SyncOptions struct {
	// Deadline bounds the whole pass (default SyncDeadline of the number
	// of face records).
	Deadline time.Duration
	// Every is the interval between progress reports (default 10 s).
	Every time.Duration
	// Idle ends the reading of the records when the server delivers none
	// for this long (default 5 s; see bus.ScanOptions).
	Idle time.Duration
	// OnlyRebuild skips the pass when the index holds as many points as
	// there are records: no check of the records.
	OnlyRebuild bool
}

// SyncDeadline is the default deadline of a pass over n face records: two
// minutes, and 2 ms a record (a rebuild writes several thousand points a
// second into the embedded index, about a thousand into Qdrant).
func SyncDeadline(n int) time.Duration { return 2*time.Minute + time.Duration(n)*2*time.Millisecond }

// SyncIndex is SyncIndexWith with the default bounds.
func (rt *Runtime) SyncIndex(ctx context.Context, s vector.Store) (int, error) {
	return rt.SyncIndexWith(ctx, s, SyncOptions{})
}

// SyncIndexWith reads every face record, the source of truth, and makes the
// vector index hold each one: an index that lost points (a new Qdrant, a
// deleted or damaged DATA/index) is refilled from them. It returns the
// points added.
//
// It is also the check of the records at start: a record that cannot be
// read (it fails its checksum in storage) is named in the log, counted in
// facetriage_face_records_damaged and recorded as a failure of its photo,
// so that `facetriage status` lists it and `facetriage ingest
// --retry-failed` records its faces again; the index keeps serving every
// other face. The pass reports its progress (log and metrics) and ends with
// ErrSyncDeadline rather than run forever.
func (rt *Runtime) SyncIndexWith(ctx context.Context, s vector.Store, o SyncOptions) (int, error) {
	have, err := s.Count(ctx)
	if err != nil {
		return 0, err
	}
	want, err := rt.Catalog.CountFaces(ctx)
	if err != nil {
		return 0, err
	}
	rebuild := have < want
	if !rebuild && o.OnlyRebuild {
		return 0, nil
	}
	if o.Deadline <= 0 {
		o.Deadline = SyncDeadline(want)
	}
	if o.Every <= 0 {
		o.Every = 10 * time.Second
	}
	m := syncMetricsOf(rt.Registry)
	m.start(want)
	log := rt.Log.With("index", have, "records", want, "deadline", o.Deadline)
	if rebuild {
		log.Info("rebuilding the vector index from the face records")
	} else {
		log.Debug("checking the face records")
	}
	start := time.Now()
	ctx, cancel := context.WithTimeoutCause(ctx, o.Deadline, ErrSyncDeadline)
	defer cancel()

	r := &refill{rt: rt, store: s, photos: map[string]archive.Photo{}, m: m}
	progress := func(read, expected int) {
		m.read.Set(float64(read))
		if time.Since(start) >= o.Every { // not the quick passes' final call
			log.Info("index sync progress", "read", read, "added", r.added, "took", time.Since(start).Round(time.Second))
		}
	}
	scan, err := rt.Catalog.ScanFaces(ctx, bus.ScanOptions{Progress: progress, Every: o.Every, Idle: o.Idle}, func(f archive.FaceRecord) error {
		if !rebuild {
			return nil
		}
		return r.add(ctx, f)
	})
	if err == nil && rebuild {
		err = r.flush(ctx)
	}
	m.read.Set(float64(scan.Read))
	m.damaged.Set(float64(len(scan.Damaged)))
	if len(scan.Damaged) > 0 {
		rt.recordDamagedFaces(ctx, scan.Damaged)
	}
	took := time.Since(start).Round(time.Millisecond)
	switch {
	case err != nil && errors.Is(context.Cause(ctx), ErrSyncDeadline):
		m.outcome("deadline")
		return r.added, fmt.Errorf("%w (%s): %d of %d face records read, %d points added; run serve again to resume, or raise the deadline",
			ErrSyncDeadline, o.Deadline, scan.Read, want, r.added)
	case err != nil:
		m.outcome("failed")
		return r.added, fmt.Errorf("app: index sync after %d of %d face records: %w", scan.Read, want, err)
	case len(scan.Damaged) > 0:
		m.outcome("damaged")
	default:
		m.outcome("complete")
	}
	if rebuild {
		log.Info("index rebuilt from the face records", "read", scan.Read, "added", r.added, "damaged", len(scan.Damaged),
			"without_photo_record", r.noPhoto, "took", took)
	}
	return r.added, nil
}

// refill upserts face records into the index in batches.
type refill struct {
	rt     *Runtime
	store  vector.Store
	photos map[string]archive.Photo
	batch  []vector.Point
	added  int
	// noPhoto counts the photos whose record could not be read.
	noPhoto int
	m       *syncMetrics
}

func (r *refill) add(ctx context.Context, f archive.FaceRecord) error {
	p, ok := r.photos[f.Photo]
	if !ok {
		var err error
		p, err = r.rt.Catalog.Photo(ctx, f.Photo)
		if errors.Is(err, archive.ErrNotFound) {
			// The photo's record cannot be read: the face is still indexed,
			// as its individual, without source, branch and date.
			if r.noPhoto++; r.noPhoto <= maxNamed {
				r.rt.Log.Warn("face record without a readable photo record: indexed without source, branch and date",
					"sha256", f.Photo, "face", f.Index)
			}
		} else if err != nil {
			return err
		}
		r.photos[f.Photo] = p
	}
	r.batch = append(r.batch, vector.Point{ID: vector.PointID(f.Photo, f.Index), Vector: f.Descriptor, Payload: index.PayloadOf(p, f)})
	if len(r.batch) == 512 {
		return r.flush(ctx)
	}
	return nil
}

func (r *refill) flush(ctx context.Context) error {
	if len(r.batch) == 0 {
		return nil
	}
	if err := r.store.Upsert(ctx, r.batch); err != nil {
		return err
	}
	r.added += len(r.batch)
	r.m.added.Set(float64(r.added))
	r.batch = r.batch[:0]
	return nil
}

// recordDamagedFaces names each damaged face record in the log and records
// a failure for its photo.
func (rt *Runtime) recordDamagedFaces(ctx context.Context, damaged []string) {
	rt.Log.Error("face records damaged in storage: they fail the store's checksum; every other face is served",
		"count", len(damaged), "stream", "KV_"+bus.BucketFaces)
	for k, name := range damaged {
		logged := k < maxNamed
		sha, face, ok := archive.DamagedFace(name)
		if !ok {
			if logged {
				rt.Log.Error("damaged face record", "record", name)
			}
			continue
		}
		f := &facetriagepb.Failure{Sha256: sha, Stage: "records", Kind: "permanent", ErrorKind: "damaged",
			Error:    fmt.Sprintf("face record %d is damaged in storage: run facetriage ingest --retry-failed on the photo to record its faces again", face),
			TimeUnix: time.Now().Unix()}
		err := rt.Catalog.RecordFailure(ctx, f)
		if logged || err != nil {
			rt.Log.Error("damaged face record", "record", name, "sha256", sha, "face", face, "path", f.Path, "recorded", err == nil)
		}
	}
	if len(damaged) > maxNamed {
		rt.Log.Error("more damaged face records", "count", len(damaged)-maxNamed, "listed_by", "facetriage status")
	}
}

// maxNamed bounds the damaged records named one by one in the log; the
// failure records name every one.
const maxNamed = 100

// syncMetrics follow the index syncs of a runtime.
type syncMetrics struct {
	read, expected, added, damaged prometheus.Gauge
	outcomes                       *prometheus.CounterVec
}

func syncMetricsOf(reg *prometheus.Registry) *syncMetrics {
	g := func(name, help string) prometheus.Gauge {
		return registered(reg, prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help}))
	}
	return &syncMetrics{
		read:     g("facetriage_index_sync_records_read", "Face records read by the running or last index sync."),
		expected: g("facetriage_index_sync_records_expected", "Face records the running or last index sync expects to read."),
		added:    g("facetriage_index_sync_points_added", "Points the running or last index sync added to the vector index."),
		damaged:  g("facetriage_face_records_damaged", "Face records the last index sync could not read (damaged in storage)."),
		outcomes: registered(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "facetriage_index_syncs_total", Help: "Index syncs by outcome: complete, damaged (finished, with damaged records), failed, deadline.",
		}, []string{"outcome"})),
	}
}

func (m *syncMetrics) start(expected int) {
	m.expected.Set(float64(expected))
	m.read.Set(0)
	m.added.Set(0)
}

func (m *syncMetrics) outcome(o string) { m.outcomes.WithLabelValues(o).Inc() }
