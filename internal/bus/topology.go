package bus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Stage names, which are also the durable consumer names.
const (
	StageDecode = "decode"
	StageFaces  = "faces"
	StageIndex  = "index"
)

// Stages in pipeline order.
var Stages = []string{StageDecode, StageFaces, StageIndex}

// StreamOf is the work-queue stream feeding a stage.
func StreamOf(stage string) string { return "FT_" + upper(stage) }

// SubjectOf is the subject a stage consumes.
func SubjectOf(stage string) string { return "ft.work." + stage }

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

// Key-value buckets and the object store.
const (
	BucketPhotos      = "ft_photos"      // catalogue: one record per photo (SHA-256)
	BucketFaces       = "ft_faces"       // face records: the source of truth of every index
	BucketIndividuals = "ft_individuals" // individual → its photos
	BucketFailures    = "ft_failures"    // photos a stage gave up on
	BucketHashes      = "ft_hashes"      // perceptual hashes of photos, in the order they were registered (near-duplicates)
	ObjectCrops       = "ft_crops"       // aligned face crops, by photo and face
	// BucketHealth holds one key that readiness writes to learn whether
	// the store takes writes.
	BucketHealth = "ft_health"
)

// RecordBuckets are the buckets of the archive's records (archive.Open).
var RecordBuckets = []string{BucketPhotos, BucketFaces, BucketIndividuals, BucketFailures, BucketHashes}

// Delivery policy. A transient error is retried after Backoff[delivery-1];
// after MaxDeliver deliveries the photo is recorded as failed.
const (
	MaxDeliver = 5
	// DuplicateWindow is how long a photo published twice is recognised by
	// its Nats-Msg-Id; after it, the records' idempotence takes over.
	DuplicateWindow = 10 * time.Minute
	// StreamMaxMsgs bounds the jobs waiting in each work queue; publishing
	// beyond it fails and ingest waits. It is a count, not MaxBytes, on
	// purpose: JetStream reserves a stream's MaxBytes against the store's
	// whole limit when the stream is created, so three streams of 2 GiB
	// each were refused on a disk with less than 8 GiB free, before a
	// single photo was stored. The store's own limit (three quarters of
	// the free disk when the server starts) bounds the bytes.
	StreamMaxMsgs = 4096
)

// Backoff is the delay before each retry of a transient error.
var Backoff = []time.Duration{2 * time.Second, 10 * time.Second, 30 * time.Second, 2 * time.Minute}

// AckWait is how long a stage may hold a message without acknowledging or
// reporting progress before JetStream redelivers it.
func AckWait(stage string) time.Duration {
	if stage == StageFaces {
		return 2 * time.Minute // the CNN fallback can take tens of seconds
	}
	return 30 * time.Second
}

// Topology configures streams and consumers.
type Topology struct {
	// Replicas of every stream and bucket (1 embedded, 3 on a cluster).
	Replicas int
	// AckWait overrides AckWait per stage (tests use short waits).
	AckWait map[string]time.Duration
}

func (t Topology) replicas() int { return max(1, t.Replicas) }

func (t Topology) ackWait(stage string) time.Duration {
	if d, ok := t.AckWait[stage]; ok {
		return d
	}
	return AckWait(stage)
}

// Ensure creates or updates every stream, consumer, bucket and object store.
// It is idempotent and safe to run from every process. On a new cluster
// several processes starting at once make JetStream's API time out; each
// step is retried until ctx ends or a minute has passed.
func (t Topology) Ensure(ctx context.Context, js jetstream.JetStream) error {
	return retry(ctx, time.Minute, func() error { return t.ensure(ctx, js) })
}

// retry calls f until it succeeds, fails for good, or the time is up.
func retry(ctx context.Context, within time.Duration, f func() error) error {
	deadline := time.Now().Add(within)
	delay := 200 * time.Millisecond
	for {
		err := f()
		if err == nil || !transient(err) || time.Now().After(deadline) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		delay = min(2*delay, 5*time.Second)
	}
}

// transient reports errors worth another try: timeouts and a cluster that
// is still electing its leaders.
func transient(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, nats.ErrNoResponders)
}

// keep is err, unless the store is out of space and the thing exists
// already (exists returns nil): then the existing one is kept, so that a
// command started on a full disk runs, and can say why it cannot write.
// The next start applies the update.
// ensureRecordBucket creates a bucket of the archive's records, or binds to
// it, and makes sure its stream takes no roll-ups and no purges: the
// pipeline only puts and updates records, and a roll-up ("Nats-Rollup:
// all" on any key's subject, which a writer's permissions cannot tell
// from a put) would erase the whole bucket. Once set, nats-server does
// not let deny-purge be lifted.
func ensureRecordBucket(ctx context.Context, js jetstream.JetStream, kc jetstream.KeyValueConfig) error {
	_, err := js.CreateKeyValue(ctx, kc)
	if err != nil && !errors.Is(err, jetstream.ErrBucketExists) {
		if keep(err, func() error { _, err := js.KeyValue(ctx, kc.Bucket); return err }) == nil {
			return nil
		}
		return fmt.Errorf("bus: bucket %s: %w", kc.Bucket, err)
	}
	st, err := js.Stream(ctx, "KV_"+kc.Bucket)
	if err != nil {
		return fmt.Errorf("bus: bucket %s: %w", kc.Bucket, err)
	}
	c := st.CachedInfo().Config
	if !c.AllowRollup && c.DenyPurge && c.DenyDelete && c.Replicas == kc.Replicas {
		return nil
	}
	c.AllowRollup, c.DenyPurge, c.DenyDelete, c.Replicas = false, true, true, kc.Replicas
	if _, err := js.UpdateStream(ctx, c); keep(err, func() error { return nil }) != nil {
		return fmt.Errorf("bus: bucket %s: %w", kc.Bucket, err)
	}
	return nil
}

func keep(err error, exists func() error) error {
	if err != nil && IsOutOfSpace(err) && exists() == nil {
		return nil
	}
	return err
}

// IsOutOfSpace reports whether err says the store has no space: the disk's
// ENOSPC (nats-server recognises it by its text too: store.go,
// isOutOfSpaceErr) or JetStream's own limit (IsAtLimit).
func IsOutOfSpace(err error) bool {
	return IsAtLimit(err) || errors.Is(err, syscall.ENOSPC) || (err != nil && strings.Contains(err.Error(), "no space left"))
}

// IsAtLimit reports whether err is JetStream refusing at its own storage
// limit: JSInsufficientResourcesErr (10023) or
// JSStorageResourcesExceededErr (10047).
func IsAtLimit(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == 10023 || apiErr.ErrorCode == 10047)
}

func (t Topology) ensure(ctx context.Context, js jetstream.JetStream) error {
	for _, stage := range Stages {
		sc := jetstream.StreamConfig{
			Name:        StreamOf(stage),
			Subjects:    []string{SubjectOf(stage)},
			Retention:   jetstream.WorkQueuePolicy,
			Storage:     jetstream.FileStorage,
			Replicas:    t.replicas(),
			Duplicates:  DuplicateWindow,
			MaxMsgSize:  MaxPayload,
			MaxMsgs:     StreamMaxMsgs,
			MaxBytes:    -1,
			Discard:     jetstream.DiscardNew,
			Description: "facetriage " + stage + " work queue",
		}
		if _, err := js.CreateOrUpdateStream(ctx, sc); keep(err, func() error { _, err := js.Stream(ctx, sc.Name); return err }) != nil {
			return fmt.Errorf("bus: stream %s: %w", sc.Name, err)
		}
		cc := jetstream.ConsumerConfig{
			Durable:       stage,
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       t.ackWait(stage),
			MaxDeliver:    MaxDeliver,
			MaxAckPending: 1000,
			FilterSubject: SubjectOf(stage),
			Description:   "facetriage " + stage + " workers",
		}
		if _, err := js.CreateOrUpdateConsumer(ctx, sc.Name, cc); keep(err, func() error { _, err := js.Consumer(ctx, sc.Name, stage); return err }) != nil {
			return fmt.Errorf("bus: consumer %s: %w", stage, err)
		}
	}
	health := jetstream.KeyValueConfig{Bucket: BucketHealth, History: 1, MaxValueSize: 256, Description: "facetriage readiness probe",
		Storage: jetstream.FileStorage, Replicas: t.replicas()}
	if _, err := js.CreateOrUpdateKeyValue(ctx, health); keep(err, func() error { _, err := js.KeyValue(ctx, health.Bucket); return err }) != nil {
		return fmt.Errorf("bus: bucket %s: %w", health.Bucket, err)
	}
	for _, b := range RecordBuckets {
		kc := jetstream.KeyValueConfig{Bucket: b, History: 1, Storage: jetstream.FileStorage, Replicas: t.replicas()}
		if err := ensureRecordBucket(ctx, js, kc); err != nil {
			return err
		}
	}
	oc := jetstream.ObjectStoreConfig{Bucket: ObjectCrops, Storage: jetstream.FileStorage, Replicas: t.replicas()}
	if _, err := js.CreateOrUpdateObjectStore(ctx, oc); keep(err, func() error { _, err := js.ObjectStore(ctx, ObjectCrops); return err }) != nil {
		return fmt.Errorf("bus: object store %s: %w", ObjectCrops, err)
	}
	return nil
}
