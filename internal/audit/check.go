package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Actions the trail writes about itself.
const (
	// ActionTrailStart is the first record of a trail that replaced a
	// damaged one (Restart): its Prev is the old head's hash, and its
	// Detail says what was found and where the remains were kept.
	ActionTrailStart = "trail_start"
	// ActionWitnessStart records that the head file was (re)started at the
	// record its Detail names: it was missing when the trail was opened.
	ActionWitnessStart = "witness_start"
)

const (
	bucketGoneReason = "gone: the head anchor bucket " + BucketHead + " does not exist: it was deleted"
	removedFromStart = "missing: before the first record the stream holds (removed from the start)"
)

// Check is Verify without reading every record, for a status taken often
// or in a hurry (an export): that the stream and the anchor bucket exist,
// the stream's settings, that no record was removed from its start, and
// that it still holds, with its hash, the record that the anchor, the head
// file and each of ws name, in the stream they saw created. It costs a few
// round trips whatever the trail's length (Verify reads about 20,000
// records a second); it does not see a record altered in the middle.
func (l *Log) Check(ctx context.Context, ws ...Witness) (Report, error) {
	rep := Report{Quick: true}
	ws, fileProblem := l.withHeadFile(ws)
	if fileProblem != "" {
		rep.Problems = append(rep.Problems, Problem{Reason: fileProblem})
	}
	kv, err := l.js.KeyValue(ctx, BucketHead)
	switch {
	case errors.Is(err, jetstream.ErrBucketNotFound):
		rep.Problems = append(rep.Problems, Problem{Reason: bucketGoneReason})
	case err != nil:
		return rep, fmt.Errorf("audit: bucket %s: %w", BucketHead, err)
	default:
		anchor, _, err := readAnchor(ctx, kv)
		if err != nil {
			rep.Problems = append(rep.Problems, Problem{Reason: "the head anchor: " + err.Error()})
		}
		rep.Anchor = anchor
		if anchor.Seq > 0 {
			ws = append(ws, Witness{Name: "the head anchor", Head: Head{Seq: anchor.Seq, Hash: anchor.Hash}})
		}
	}
	info, err := l.stream.Info(ctx)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		rep.Problems = append(rep.Problems, Problem{Reason: streamGone(ws)})
		return rep, nil
	}
	if err != nil {
		return rep, fmt.Errorf("audit: stream %s: %w", StreamName, err)
	}
	rep.Created = info.Created
	for _, why := range unsafeSettings(info.Config) {
		rep.Problems = append(rep.Problems, Problem{Reason: "stream settings: " + why})
	}
	ps, err := l.standing(ctx, *info, ws)
	if err != nil {
		return rep, err
	}
	rep.Problems = append(rep.Problems, ps...)
	if rep.Head, err = l.last(ctx); err != nil {
		rep.Problems = append(rep.Problems, Problem{Seq: info.State.LastSeq, Reason: err.Error()})
	}
	return rep, nil
}

// standing checks what Open can check without reading every record: that
// no record was removed from the start, and that the stream is the one
// each witness saw created and still holds the record it names.
func (l *Log) standing(ctx context.Context, info jetstream.StreamInfo, ws []Witness) ([]Problem, error) {
	var ps []Problem
	if first := info.State.FirstSeq; first > 1 {
		ps = append(ps, Problem{Seq: 1, Reason: fmt.Sprintf("records 1 to %d: %s", first-1, removedFromStart)})
	}
	for _, w := range ws {
		if why, bad := recreated(w, info.Created); bad {
			ps = append(ps, Problem{Reason: why})
		}
		m := w.Head.Mark()
		if m.Seq > info.State.LastSeq {
			ps = append(ps, Problem{Seq: info.State.LastSeq + 1, Reason: truncated(info.State.LastSeq, w.Name, m)})
			continue
		}
		ok, err := l.holds(ctx, m)
		if err != nil {
			return nil, err
		}
		if !ok {
			ps = append(ps, Problem{Seq: m.Seq, Reason: fmt.Sprintf("rewritten or missing: record %d is not the record %s that %s names", m.Seq, short(m.Hash), w.Name)})
		}
	}
	return ps, nil
}

// streamGone says that the stream does not exist, and what the witnesses
// say it held.
func streamGone(ws []Witness) string {
	if len(ws) == 0 {
		return "gone: the audit stream " + StreamName + " does not exist (never made, or deleted)"
	}
	var said []string
	for _, w := range ws {
		s := fmt.Sprintf("%s names record %d (%s)", w.Name, w.Head.Seq, short(w.Head.Hash))
		if !w.Head.Created.IsZero() {
			s += " of a stream created at " + stamp(w.Head.Created)
		}
		said = append(said, s)
	}
	return "gone: the audit stream " + StreamName + " does not exist: it was deleted; " + strings.Join(said, ", and ")
}

// recreated reports a witness that saw another stream created.
func recreated(w Witness, created time.Time) (string, bool) {
	if w.Head.Created.IsZero() || w.Head.Created.Equal(created) {
		return "", false
	}
	return fmt.Sprintf("recreated: %s names a stream created at %s, but %s was created at %s: it was deleted and made again",
		w.Name, stamp(w.Head.Created), StreamName, stamp(created)), true
}

func truncated(last uint64, what string, m Mark) string {
	return fmt.Sprintf("truncated: the log ends at record %d, but %s names record %d (%s)", last, what, m.Seq, short(m.Hash))
}

// startsTrail reports a first record that replaced an earlier trail and
// names that trail's head as its predecessor.
func startsTrail(r record) bool {
	return r.Action == ActionTrailStart && r.Detail["replaces_hash"] == r.Prev
}
