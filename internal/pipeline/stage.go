package pipeline

import (
	"context"
	"errors"

	"github.com/facetriage/facetriage/proto/facetriagepb"
)

// Msg is one delivery of a stage's input message.
type Msg struct {
	Data []byte
	// Delivery counts from 1.
	Delivery uint64
	// Seq is the message's sequence in its stream.
	Seq uint64
}

// Stage processes the messages of one work queue. Implementations must make
// their effects idempotent: a message can be delivered more than once.
type Stage interface {
	// Name is the stage name (bus.StageDecode, …).
	Name() string
	// Process handles one message; its error decides the acknowledgement
	// (see the package comment).
	Process(ctx context.Context, m Msg) error
	// Identify names the photo a message concerns, for failure records. It
	// must not fail: a message it cannot read yields what it can.
	Identify(data []byte) Subject
}

// BatchStage is a Stage that prefers batches (the index stage). errs[i]
// decides ms[i]; a nil slice means all succeeded.
type BatchStage interface {
	Stage
	ProcessBatch(ctx context.Context, ms []Msg) (errs []error)
}

// Subject identifies a photo in a failure record.
type Subject struct {
	SHA256, Path, Batch string
}

// FailureSink records photos a stage gave up on (archive.Catalogue).
type FailureSink interface {
	RecordFailure(ctx context.Context, f *facetriagepb.Failure) error
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as permanent: the message is terminated and recorded.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}
