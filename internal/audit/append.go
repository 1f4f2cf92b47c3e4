package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// maxAttempts bounds how often Append re-reads the tail after losing the
// race for it.
const maxAttempts = 64

// Append records e at the end of the chain and returns it as stored: with
// its sequence, its time (now, in UTC, when e.Time is zero), Prev and Hash.
// Strings that are not valid UTF-8 are stored with U+FFFD in place of the
// bad bytes. A nil error means the record is in the stream.
//
// The head anchor is then moved to the new record; if that fails, the
// record stays in the chain and a later Append moves the anchor on. The
// head file (WithWitness) follows a few seconds later (witnessDelay).
func (l *Log) Append(ctx context.Context, e Event) (Event, error) {
	if strings.TrimSpace(e.Actor) == "" || strings.TrimSpace(e.Action) == "" {
		return Event{}, fmt.Errorf("%w: an event needs an actor and an action", ErrInvalid)
	}
	if e.Time.IsZero() {
		e.Time = l.now()
	}
	b := bodyOf(e)
	subject := subjectFor(b.Case)

	l.mu.Lock()
	defer l.mu.Unlock()
	for attempt := 1; ; attempt++ {
		if !l.tailKnown {
			if err := l.refreshTail(ctx); err != nil {
				return Event{}, err
			}
		}
		b.Prev = l.tail.Hash
		r := record{body: b, Hash: b.hash()}
		data, err := json.Marshal(r)
		if err != nil {
			return Event{}, fmt.Errorf("audit: encode: %w", err)
		}
		ack, err := l.js.Publish(ctx, subject, data,
			jetstream.WithExpectLastSequence(l.tail.Seq), jetstream.WithMsgID(r.Hash))
		if err == nil {
			ev := l.appended(ctx, r, ack.Sequence)
			l.tailKnown = !ack.Duplicate // a duplicate's sequence is the original's
			return ev, nil
		}
		l.tailKnown = false
		// Another appender got there first, or the reply was lost after
		// our record landed: the tail tells which.
		if l.refreshTail(ctx) == nil && l.tail.Hash == r.Hash {
			return l.appended(ctx, r, l.tail.Seq), nil
		}
		if !isConflict(err) {
			return Event{}, fmt.Errorf("audit: append: %w", err)
		}
		if attempt == maxAttempts {
			return Event{}, fmt.Errorf("%w: gave up after %d attempts", ErrContended, maxAttempts)
		}
		if err := pause(ctx, attempt); err != nil {
			return Event{}, err
		}
	}
}

// appended notes a stored record and moves the anchor. Lock held.
func (l *Log) appended(ctx context.Context, r record, seq uint64) Event {
	l.tail, l.tailKnown = Mark{Seq: seq, Hash: r.Hash}, true
	l.advanceAnchor(ctx, l.tail, r.Prev)
	if l.wit != nil {
		l.wit.note(l.tail)
	}
	_, ev, _ := decode(mustJSON(r), seq) // the event exactly as Read returns it
	return ev
}

func mustJSON(r record) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic("audit: a record of strings cannot fail to encode: " + err.Error())
	}
	return b
}

// refreshTail reads the last record. Lock held.
func (l *Log) refreshTail(ctx context.Context) error {
	m, err := l.last(ctx)
	if err != nil {
		return err
	}
	l.tail, l.tailKnown = m, true
	return nil
}

// last is the last record's mark; zero for an empty log.
func (l *Log) last(ctx context.Context) (Mark, error) {
	info, err := l.stream.Info(ctx)
	if err != nil {
		return Mark{}, fmt.Errorf("audit: stream %s: %w", StreamName, err)
	}
	seq := info.State.LastSeq
	if seq == 0 {
		return Mark{}, nil
	}
	msg, err := l.stream.GetMsg(ctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return Mark{}, fmt.Errorf("%w: record %d is missing or unreadable", ErrCorrupt, seq)
	}
	if err != nil {
		return Mark{}, fmt.Errorf("audit: read record %d: %w", seq, err)
	}
	r, _, err := decode(msg.Data, seq)
	if err != nil {
		return Mark{}, fmt.Errorf("%w: record %d: %v", ErrCorrupt, seq, err)
	}
	return Mark{Seq: seq, Hash: r.Hash}, nil
}

// Head is the last record's sequence and hash, as stored (not verified);
// 0 and "" for an empty log.
func (l *Log) Head(ctx context.Context) (uint64, string, error) {
	m, err := l.last(ctx)
	return m.Seq, m.Hash, err
}

// isConflict reports a failed expectation on the last sequence (or, for
// the anchor, on the key's revision).
func isConflict(err error) bool {
	var apiErr *jetstream.APIError
	return errors.Is(err, jetstream.ErrKeyExists) ||
		(errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
			apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant))
}

// pause waits a few random milliseconds, more after more conflicts, so that
// contending appenders spread out.
func pause(ctx context.Context, attempt int) error {
	t := time.NewTimer(time.Duration(rand.Int64N(int64(min(attempt, 10)) * int64(time.Millisecond))))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
