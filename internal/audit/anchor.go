package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// readAnchor is the head anchor and its revision; zero and 0 when there is
// none.
func (l *Log) readAnchor(ctx context.Context) (Mark, uint64, error) {
	e, err := l.head.Get(ctx, headKey)
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
// again) stays where it is, for Verify to report. It is best effort: on an
// error the anchor lags until the next append. Lock held.
func (l *Log) advanceAnchor(ctx context.Context, m Mark, prev string) {
	if l.anchorStuck {
		return
	}
	for range 8 {
		cur, rev := l.anchor, l.anchorRev
		if rev == 0 {
			var err error
			if cur, rev, err = l.readAnchor(ctx); err != nil {
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
	msg, err := l.stream.GetMsg(ctx, a.Seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	r, _, err := decode(msg.Data, a.Seq)
	return err == nil && r.Hash == a.Hash, nil
}
