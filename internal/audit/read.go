package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// Read calls fn with every record from sequence from (1 for all) to the
// current end, in order, and stops at fn's first error, which it returns.
// It does not check the chain (Verify does); records it cannot read or
// decode are skipped and reported at the end with ErrIncomplete.
func (l *Log) Read(ctx context.Context, from uint64, fn func(Event) error) error {
	rd := l.reader()
	info, err := rd.state(ctx)
	if err != nil {
		return err
	}
	var bad skipped
	err = rd.scan(ctx, info, from, func(s slot) error {
		if s.data == nil {
			bad.add(s.seq, s.missing)
			return nil
		}
		_, ev, err := decode(s.data, s.seq)
		if err != nil {
			bad.add(s.seq, "undecodable: "+err.Error())
			return nil
		}
		return fn(ev)
	})
	if err != nil {
		return err
	}
	return bad.err()
}

// ForCase returns a case's records in order. It reads only the case's
// subject and does not check the chain (Verify does); records it cannot
// decode are left out and reported with ErrIncomplete, along with the
// events it could read.
func (l *Log) ForCase(ctx context.Context, caseID string) ([]Event, error) {
	if strings.TrimSpace(caseID) == "" {
		return nil, fmt.Errorf("%w: no case", ErrInvalid)
	}
	subject := subjectFor(caseID)
	info, err := l.stream.Info(ctx, jetstream.WithSubjectFilter(subject))
	if err != nil {
		return nil, fmt.Errorf("audit: stream %s: %w", StreamName, err)
	}
	if info.State.Subjects[subject] == 0 {
		return nil, nil
	}
	var events []Event
	var bad skipped
	err = l.reader().consume(ctx, subject, 1, info.State.LastSeq, func(seq uint64, _ string, data []byte) error {
		_, ev, err := decode(data, seq)
		switch {
		case err != nil:
			bad.add(seq, "undecodable: "+err.Error())
		case ev.Case == caseID: // a digested subject may hold other cases too
			events = append(events, ev)
		}
		return nil
	})
	if err != nil {
		return events, err
	}
	return events, bad.err()
}

// skipped counts the records a read had to leave out.
type skipped struct {
	n     int
	first uint64
	why   string
}

func (s *skipped) add(seq uint64, why string) {
	if s.n == 0 {
		s.first, s.why = seq, why
	}
	s.n++
}

func (s *skipped) err() error {
	if s.n == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d left out, the first is record %d (%s); run audit verify", ErrIncomplete, s.n, s.first, s.why)
}
