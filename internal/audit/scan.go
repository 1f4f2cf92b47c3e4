package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// slot is one sequence of the stream as a scan found it: a record's bytes,
// or why there are none.
type slot struct {
	seq     uint64
	subject string
	data    []byte
	missing string // why there is no record ("" when data is set)
}

// reader reads a stream's records, whether or not they form a chain.
type reader struct {
	st jetstream.Stream
	// idle is how long a read waits for a record the stream says is there
	// before it concludes the server cannot deliver it.
	idle time.Duration
}

func (l *Log) reader() reader { return reader{st: l.stream, idle: l.idle} }

// state is the stream's state with its deleted sequences.
func (l reader) state(ctx context.Context) (jetstream.StreamInfo, error) {
	info, err := l.st.Info(ctx, jetstream.WithDeletedDetails(true))
	if err != nil {
		return jetstream.StreamInfo{}, fmt.Errorf("audit: stream %s: %w", StreamName, err)
	}
	return *info, nil
}

// scan calls fn with every sequence from from to the stream's last as of
// info, in order, whether it holds a readable record or not. Records come
// from an ordered consumer; a sequence it skips is looked up on its own, to
// tell a deleted record from one the server cannot read.
func (l reader) scan(ctx context.Context, info jetstream.StreamInfo, from uint64, fn func(slot) error) error {
	st := info.State
	from = max(from, 1)
	if from > st.LastSeq {
		return nil
	}
	deleted := make(map[uint64]bool, len(st.Deleted))
	for _, s := range st.Deleted {
		deleted[s] = true
	}
	next := from
	fill := func(to uint64) error { // the sequences before to that the consumer skipped
		for ; next < to; next++ {
			s, err := l.lookup(ctx, next, st.FirstSeq, deleted)
			if err != nil {
				return err
			}
			if err := fn(s); err != nil {
				return err
			}
		}
		return nil
	}
	err := l.consume(ctx, subjectAll, max(from, st.FirstSeq), st.LastSeq, func(seq uint64, subject string, data []byte) error {
		if seq < next {
			return nil
		}
		if err := fill(seq); err != nil {
			return err
		}
		next = seq + 1
		return fn(slot{seq: seq, subject: subject, data: data})
	})
	if err != nil {
		return err
	}
	return fill(st.LastSeq + 1)
}

// lookup reads one sequence the consumer did not deliver.
func (l reader) lookup(ctx context.Context, seq, first uint64, deleted map[uint64]bool) (slot, error) {
	switch {
	case seq < first:
		return slot{seq: seq, missing: removedFromStart}, nil
	case deleted[seq]:
		return slot{seq: seq, missing: "missing: the server lists it as deleted (removed in storage: the API refuses deletes)"}, nil
	}
	msg, err := l.st.GetMsg(ctx, seq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return slot{seq: seq, missing: "unreadable: the server counts the record but cannot read it (it fails its checksum: altered or corrupted in storage)"}, nil
	}
	if err != nil {
		return slot{}, fmt.Errorf("audit: read record %d: %w", seq, err)
	}
	return slot{seq: seq, subject: msg.Subject, data: msg.Data}, nil
}

// consume calls fn with the records on subject from start, in order, until
// it has passed last, has nothing pending, or receives nothing for l.idle
// (the server skips records it cannot read but still counts them).
func (l reader) consume(ctx context.Context, subject string, start, last uint64, fn func(seq uint64, subject string, data []byte) error) error {
	if start > last {
		return nil
	}
	cons, err := l.st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects:    []string{subject},
		DeliverPolicy:     jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:       start,
		InactiveThreshold: time.Minute,
	})
	if err != nil {
		return fmt.Errorf("audit: read: %w", err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(256))
	if err != nil {
		return fmt.Errorf("audit: read: %w", err)
	}
	defer it.Stop()
	for {
		wait, cancel := context.WithTimeout(ctx, l.idle)
		m, err := it.Next(jetstream.NextContext(wait))
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			return nil // nothing more the server can deliver
		case err != nil:
			return fmt.Errorf("audit: read: %w", err)
		}
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("audit: read: %w", err)
		}
		seq := md.Sequence.Stream
		if seq > last {
			return nil
		}
		if err := fn(seq, m.Subject(), m.Data()); err != nil {
			return err
		}
		if seq == last || md.NumPending == 0 {
			return nil
		}
	}
}
