package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// readAnchor is the head anchor in kv and its revision; zero and 0 when
// there is none.
func readAnchor(ctx context.Context, kv jetstream.KeyValue) (Mark, uint64, error) {
	e, err := kv.Get(ctx, headKey)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Mark{}, 0, nil
	}
	if err != nil {
		return Mark{}, 0, fmt.Errorf("audit: head anchor: %w", err)
	}
	var m Mark
	if err := json.Unmarshal(e.Value(), &m); err != nil {
		return Mark{}, e.Revision(), fmt.Errorf("%w: %v", errBadAnchor, err)
	}
	return m, e.Revision(), nil
}

// advanceAnchor moves the anchor to m, the record just appended, whose Prev
// is prev. The anchor only moves forward, and only along its own chain: an
// anchor that the chain no longer passes through (the log was cut and grew
// again), or that was deleted after this Log saw it, stays as it is, for
// Verify to report. It is best effort: on an error the anchor lags until
// the next append. Lock held.
func (l *Log) advanceAnchor(ctx context.Context, m Mark, prev string) {
	if l.anchorStuck {
		return
	}
	for range 8 {
		cur, rev := l.anchor, l.anchorRev
		if rev == 0 {
			var err error
			if cur, rev, err = readAnchor(ctx, l.head); err != nil {
				return
			}
			if rev == 0 && l.anchor.Seq > 0 { // deleted under us
				l.anchorStuck = true
				return
			}
		}
		if cur.Seq >= m.Seq {
			l.anchor, l.anchorRev = cur, rev
			return
		}
		if cur.Seq > 0 {
			on, err := l.passesThrough(ctx, cur, m, prev)
			if err != nil {
				return
			}
			if !on {
				l.anchorStuck = true
				return
			}
		}
		val, _ := json.Marshal(m)
		var err error
		if rev == 0 {
			rev, err = l.head.Create(ctx, headKey, val)
		} else {
			rev, err = l.head.Update(ctx, headKey, val, rev)
		}
		if err == nil {
			l.anchor, l.anchorRev = m, rev
			return
		}
		l.anchorRev = 0 // read it again
		if !isConflict(err) {
			return
		}
	}
}

// passesThrough reports whether the chain ending at m (whose Prev is prev)
// includes the anchored record a.
func (l *Log) passesThrough(ctx context.Context, a, m Mark, prev string) (bool, error) {
	if a.Seq+1 == m.Seq {
		return a.Hash == prev, nil
	}
	return l.holds(ctx, a)
}

// holds reports whether the stream still has the record m names, with its
// hash.
func (l *Log) holds(ctx context.Context, m Mark) (bool, error) {
	if m.Seq == 0 {
		return true, nil
	}
	msg, err := l.stream.GetMsg(ctx, m.Seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("audit: read record %d: %w", m.Seq, err)
	}
	r, _, err := decode(msg.Data, m.Seq)
	return err == nil && r.Hash == m.Hash, nil
}
