package audit

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Log is the audit trail. It is safe for concurrent use, and any number of
// Logs in any number of processes may append to the same trail.
type Log struct {
	js      jetstream.JetStream
	stream  jetstream.Stream
	head    jetstream.KeyValue
	created time.Time // the stream's creation time
	now     func() time.Time
	log     *slog.Logger
	wit     *witness // the head file; nil without WithWitness
	// idle is how long a read waits for a record the stream says is there
	// before it concludes the server cannot deliver it.
	idle time.Duration

	mu          sync.Mutex // serialises this Log's appends, and guards:
	tail        Mark       // the last record, as far as this Log knows
	tailKnown   bool
	anchor      Mark   // the anchor as this Log last wrote or read it
	anchorRev   uint64 // its revision; 0 when unknown
	anchorStuck bool   // the anchor is off the chain: leave it as evidence
}

// Option configures Open.
type Option func(*options)

type options struct {
	headPath string
	key      ed25519.PrivateKey
	log      *slog.Logger
}

// WithWitness keeps the signed head file at path (HeadFile in the data
// directory), signed with key: Open checks the trail against it, and
// appends move it forward (see witnessDelay).
func WithWitness(path string, key ed25519.PrivateKey) Option {
	return func(o *options) { o.headPath, o.key = path, key }
}

// WithLogger is where the head file's write failures are logged.
func WithLogger(log *slog.Logger) Option { return func(o *options) { o.log = log } }

func newLog(js jetstream.JetStream, o options) *Log {
	lg := o.log
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Log{js: js, log: lg, idle: 2 * time.Second, now: func() time.Time { return time.Now().UTC() }}
}

// Open binds to the trail to append to it, with replicas copies of the
// stream and the anchor bucket (at least 1). It makes both for a new
// installation, but never over a trail that existed: it fails with
// ErrDamaged when the stream is gone while its anchor or the head file
// remains, when the anchor bucket is gone while the stream holds records,
// or when the stream no longer reaches, or differs at, the record the
// anchor or the head file names. It fails with ErrUnsafeStream when the
// stream allows records to be deleted, purged or discarded.
func Open(ctx context.Context, js jetstream.JetStream, replicas int, opts ...Option) (*Log, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	replicas = max(1, replicas)
	l := newLog(js, o)
	var ws []Witness
	var file *Head
	if o.headPath != "" {
		h, err := ReadHead(o.headPath, publicOf(o.key))
		switch {
		case headMissing(err):
		case err != nil:
			return nil, damaged(err.Error())
		default:
			file = &h
			ws = append(ws, Witness{Name: "the head file", Head: h})
		}
	}
	st, err := js.Stream(ctx, StreamName)
	gone := errors.Is(err, jetstream.ErrStreamNotFound)
	if err != nil && !gone {
		return nil, fmt.Errorf("audit: stream %s: %w", StreamName, err)
	}
	kv, err := js.KeyValue(ctx, BucketHead)
	bucketGone := errors.Is(err, jetstream.ErrBucketNotFound)
	if err != nil && !bucketGone {
		return nil, fmt.Errorf("audit: bucket %s: %w", BucketHead, err)
	}
	var anchor Mark
	var anchorRev uint64
	if kv != nil {
		if anchor, anchorRev, err = readAnchor(ctx, kv); err != nil {
			return nil, damaged(err.Error())
		}
		if anchor.Seq > 0 {
			ws = append(ws, Witness{Name: "the head anchor", Head: Head{Seq: anchor.Seq, Hash: anchor.Hash}})
		}
	}
	if gone {
		if len(ws) > 0 {
			return nil, damaged(streamGone(ws))
		}
		if st, err = createStream(ctx, js, replicas); err != nil {
			return nil, err
		}
	}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit: stream %s: %w", StreamName, err)
	}
	if bucketGone {
		if info.State.LastSeq > 0 {
			return nil, damaged(bucketGoneReason)
		}
		if kv, err = createBucket(ctx, js, replicas); err != nil {
			return nil, err
		}
	}
	if st, err = keepSafe(ctx, js, st, replicas); err != nil {
		return nil, err
	}
	l.stream, l.head, l.created = st, kv, info.Created
	l.anchor, l.anchorRev = anchor, anchorRev
	if probs, err := l.standing(ctx, *info, ws); err != nil {
		return nil, err
	} else if len(probs) > 0 {
		return nil, damaged(reasons(probs))
	}
	if o.headPath != "" {
		if err := l.keepWitness(ctx, o, file); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// keepWitness starts the head file's upkeep. With no head file yet, it
// writes one naming the current last record and, when the trail already
// has records, appends a record saying so: a head file that disappears
// and is started again leaves that trace in the trail.
func (l *Log) keepWitness(ctx context.Context, o options, file *Head) error {
	l.wit = &witness{path: o.headPath, key: o.key, created: l.created, delay: witnessDelay,
		now: l.now, log: l.log, holds: l.holds}
	if file != nil {
		l.wit.written, l.wit.seen = file.Mark(), true
		return nil
	}
	last, err := l.last(ctx)
	if err != nil {
		return err
	}
	h := Head{Stream: StreamName, Seq: last.Seq, Hash: last.Hash, Created: l.created, Signed: l.now()}
	if err := writeHead(o.headPath, h, o.key); err != nil {
		return err
	}
	l.wit.written = last
	if last.Seq == 0 {
		return nil
	}
	_, err = l.Append(ctx, Event{Actor: "system", Action: ActionWitnessStart,
		Detail: map[string]string{"seq": fmt.Sprint(last.Seq), "hash": last.Hash}})
	return err
}

// Close writes the newest head to the head file and stops its upkeep. The
// Log can still append, without moving the file.
func (l *Log) Close() error {
	if l.wit == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return l.wit.close(ctx)
}

func publicOf(k ed25519.PrivateKey) ed25519.PublicKey {
	if k == nil {
		return nil
	}
	return k.Public().(ed25519.PublicKey)
}

// damaged is the error of Open over a damaged trail, with what to do.
func damaged(why string) error {
	return fmt.Errorf("%w: %s. A new trail is not started over it: `facetriage audit verify` shows what happened, "+
		"and `facetriage audit restart --reason TEXT` keeps what remains and starts a new trail whose first record names the old head",
		ErrDamaged, why)
}

func reasons(ps []Problem) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Reason)
	}
	return strings.Join(out, "; ")
}

func streamConfig(replicas int) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        StreamName,
		Description: "facetriage audit trail (hash chain; append-only)",
		Subjects:    []string{subjectAll},
		Retention:   jetstream.LimitsPolicy,
		Storage:     jetstream.FileStorage,
		Replicas:    replicas,
		Duplicates:  duplicateWindow,
		DenyDelete:  true,
		DenyPurge:   true,
	}
}

func createStream(ctx context.Context, js jetstream.JetStream, replicas int) (jetstream.Stream, error) {
	st, err := js.CreateStream(ctx, streamConfig(replicas))
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) { // another process won
		st, err = js.Stream(ctx, StreamName)
	}
	if err != nil {
		return nil, fmt.Errorf("audit: stream %s: %w", StreamName, err)
	}
	return st, nil
}

// createBucket creates the anchor bucket, or binds to it: never updates
// it (the application's NATS user may not; see bus.AuditAdminSubjects).
// Its stream is made as a key-value bucket's, but refusing roll-ups and
// purges: the anchor is only ever put and updated, and a roll-up (a
// key-value Purge, or "Nats-Rollup: all" on any key) would erase it.
func createBucket(ctx context.Context, js jetstream.JetStream, replicas int) (jetstream.KeyValue, error) {
	_, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name:              "KV_" + BucketHead,
		Description:       "facetriage audit trail: the head anchor",
		Subjects:          []string{"$KV." + BucketHead + ".>"},
		MaxMsgsPerSubject: 1,
		MaxBytes:          -1,
		MaxMsgSize:        -1,
		MaxMsgs:           -1,
		MaxConsumers:      -1,
		Storage:           jetstream.FileStorage,
		Replicas:          replicas,
		Duplicates:        2 * time.Minute,
		AllowDirect:       true,
		Discard:           jetstream.DiscardNew,
		DenyDelete:        true,
		DenyPurge:         true,
		AllowRollup:       false,
	})
	if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return nil, fmt.Errorf("audit: bucket %s: %w", BucketHead, err)
	}
	kv, err := js.KeyValue(ctx, BucketHead)
	if err != nil {
		return nil, fmt.Errorf("audit: bucket %s: %w", BucketHead, err)
	}
	return kv, nil
}

// keepSafe refuses a stream that lets records go, or that is configured
// otherwise than this Log would create it (replicas, subjects, duplicate
// window): the application's NATS user may not reconfigure the trail (see
// bus.AuditAdminSubjects), an operator changes it with the administrative
// user.
func keepSafe(ctx context.Context, js jetstream.JetStream, st jetstream.Stream, replicas int) (jetstream.Stream, error) {
	want := streamConfig(replicas)
	cfg := st.CachedInfo().Config
	if why := unsafeSettings(cfg); len(why) > 0 {
		return nil, fmt.Errorf("%w: %s: %s", ErrUnsafeStream, StreamName, strings.Join(why, "; "))
	}
	if cfg.Replicas != want.Replicas || !slices.Equal(cfg.Subjects, want.Subjects) || cfg.Duplicates != want.Duplicates {
		return nil, fmt.Errorf("%w: %s has replicas %d, subjects %v, duplicate window %s; want %d, %v, %s: an operator must change it with the administrative NATS user",
			ErrStreamConfig, StreamName, cfg.Replicas, cfg.Subjects, cfg.Duplicates, want.Replicas, want.Subjects, want.Duplicates)
	}
	return st, nil
}

// unsafeSettings says how a stream configuration lets records go.
func unsafeSettings(c jetstream.StreamConfig) []string {
	var why []string
	add := func(bad bool, s string) {
		if bad {
			why = append(why, s)
		}
	}
	add(!c.DenyDelete, "records can be deleted (deny_delete is off)")
	add(!c.DenyPurge, "the stream can be purged (deny_purge is off)")
	add(c.AllowRollup, "rollups can purge records")
	add(c.AllowMsgTTL, "records can carry a time to live")
	add(c.Retention != jetstream.LimitsPolicy, "retention "+c.Retention.String()+" removes records")
	add(c.Storage != jetstream.FileStorage, "records are kept in memory only")
	add(c.MaxAge > 0, "max_age discards old records")
	add(c.MaxMsgs > 0, "max_msgs discards old records")
	add(c.MaxBytes > 0, "max_bytes discards old records")
	add(c.MaxMsgsPerSubject > 0, "max_msgs_per_subject discards old records")
	return why
}
