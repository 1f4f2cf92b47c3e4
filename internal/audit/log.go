package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Log is the audit trail. It is safe for concurrent use, and any number of
// Logs in any number of processes may append to the same trail.
type Log struct {
	js     jetstream.JetStream
	stream jetstream.Stream
	head   jetstream.KeyValue
	now    func() time.Time
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

// Open binds to the trail, creating the stream and the anchor bucket if
// needed with replicas copies (at least 1). It refuses an existing stream
// that allows records to be deleted, purged or discarded.
func Open(ctx context.Context, js jetstream.JetStream, replicas int) (*Log, error) {
	replicas = max(1, replicas)
	st, err := ensureStream(ctx, js, replicas)
	if err != nil {
		return nil, err
	}
	// Create, or bind to, the bucket: never update it (the application's
	// NATS user may not; see bus.AuditAdminSubjects).
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      BucketHead,
		Description: "facetriage audit trail: the head anchor",
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    replicas,
	})
	if errors.Is(err, jetstream.ErrBucketExists) {
		kv, err = js.KeyValue(ctx, BucketHead)
	}
	if err != nil {
		return nil, fmt.Errorf("audit: bucket %s: %w", BucketHead, err)
	}
	return &Log{js: js, stream: st, head: kv, idle: 2 * time.Second,
		now: func() time.Time { return time.Now().UTC() }}, nil
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

// ensureStream creates the stream, or checks and updates an existing one.
func ensureStream(ctx context.Context, js jetstream.JetStream, replicas int) (jetstream.Stream, error) {
	want := streamConfig(replicas)
	st, err := js.Stream(ctx, StreamName)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		st, err = js.CreateStream(ctx, want)
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) { // another process won
			st, err = js.Stream(ctx, StreamName)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("audit: stream %s: %w", StreamName, err)
	}
	cfg := st.CachedInfo().Config
	if why := unsafeSettings(cfg); len(why) > 0 {
		return nil, fmt.Errorf("%w: %s: %s", ErrUnsafeStream, StreamName, strings.Join(why, "; "))
	}
	// The application's NATS user may not reconfigure the trail (see
	// bus.AuditAdminSubjects): an operator changes it with the
	// administrative user.
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
