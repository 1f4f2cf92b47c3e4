package bus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ErrScanStalled means a scan received nothing for ScanOptions.Idle before
// reaching the end it was given, and the sequences still missing could not
// be read one by one either.
var ErrScanStalled = errors.New("bus: the scan stalled")

// ScanOptions configure Scan.
type ScanOptions struct {
	// Subjects filters the stream, e.g. "$KV.ft_faces.>"; empty: all.
	Subjects string
	// Idle ends the consumer when it delivers nothing for this long: the
	// server skips a message it cannot read, but still counts it, so a
	// consumer never learns that it has reached the end (default 5 s).
	Idle time.Duration
	// Progress, when set, is called with the messages read so far and the
	// number the stream held when the scan began, at most every Every
	// (default 5 s), and once at the end.
	Progress func(read, expected int)
	Every    time.Duration
}

// ScanReport is what a scan found.
type ScanReport struct {
	// Expected is the number of messages the stream held when it began.
	Expected int
	// Read is the number of messages given to fn.
	Read int
	// Unreadable are sequences the server counts but cannot read: they
	// fail the file store's checksum (damaged or altered in storage).
	Unreadable []uint64
	// Lost are subjects the server's index lists (from its state, kept
	// apart from the messages) that no readable message carries: the
	// names of what was damaged, when the damage hides the subject too.
	Lost []string
}

// Damaged reports whether the scan found any damage.
func (r ScanReport) Damaged() bool { return len(r.Unreadable)+len(r.Lost) > 0 }

// Scan calls fn with every message of stream on o.Subjects, as the stream
// stood when the scan began, and reports what it could not read instead of
// waiting for it forever. Messages written meanwhile may or may not be
// included. fn's error ends the scan.
func Scan(ctx context.Context, js jetstream.JetStream, stream string, o ScanOptions, fn func(subject string, h nats.Header, data []byte) error) (ScanReport, error) {
	var rep ScanReport
	if o.Idle <= 0 {
		o.Idle = 5 * time.Second
	}
	if o.Every <= 0 {
		o.Every = 5 * time.Second
	}
	str, err := js.Stream(ctx, stream)
	if err != nil {
		return rep, fmt.Errorf("bus: scan %s: %w", stream, err)
	}
	info, err := streamState(ctx, str, o.Subjects)
	if err != nil {
		return rep, fmt.Errorf("bus: scan %s: %w", stream, err)
	}
	st := info.State
	rep.Expected = int(st.Msgs)
	s := &scan{ctx: ctx, str: str, o: o, fn: fn, rep: &rep, first: st.FirstSeq, last: st.LastSeq,
		deleted: map[uint64]bool{}, read: map[string]bool{}, next: st.FirstSeq, lastReport: time.Now()}
	for _, d := range st.Deleted {
		s.deleted[d] = true
	}
	if st.LastSeq >= st.FirstSeq && st.LastSeq > 0 {
		if err := s.consume(); err != nil {
			return rep, fmt.Errorf("bus: scan %s: %w", stream, err)
		}
		if err := s.fill(st.LastSeq + 1); err != nil {
			return rep, fmt.Errorf("bus: scan %s: %w", stream, err)
		}
	}
	if err := s.settle(st.Subjects); err != nil {
		return rep, fmt.Errorf("bus: scan %s: %w", stream, err)
	}
	if o.Progress != nil {
		o.Progress(rep.Read, rep.Expected)
	}
	return rep, nil
}

func streamState(ctx context.Context, str jetstream.Stream, subjects string) (*jetstream.StreamInfo, error) {
	opts := []jetstream.StreamInfoOpt{jetstream.WithDeletedDetails(true)}
	if subjects != "" {
		opts = append(opts, jetstream.WithSubjectFilter(subjects))
	}
	return str.Info(ctx, opts...)
}

type scan struct {
	ctx         context.Context
	str         jetstream.Stream
	o           ScanOptions
	fn          func(string, nats.Header, []byte) error
	rep         *ScanReport
	first, last uint64
	deleted     map[uint64]bool
	read        map[string]bool // subjects read
	next        uint64          // the lowest sequence not yet accounted for
	candidates  []uint64        // sequences neither delivered nor deleted
	lastReport  time.Time
}

func (s *scan) deliver(subject string, h nats.Header, data []byte) error {
	s.read[subject] = true
	s.rep.Read++
	if s.o.Progress != nil && time.Since(s.lastReport) >= s.o.Every {
		s.lastReport = time.Now()
		s.o.Progress(s.rep.Read, s.rep.Expected)
	}
	return s.fn(subject, h, data)
}

// consume reads the stream with an ordered consumer until it passes the
// last sequence, has nothing pending, or delivers nothing for o.Idle.
func (s *scan) consume() error {
	cc := jetstream.OrderedConsumerConfig{
		DeliverPolicy:     jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:       s.first,
		InactiveThreshold: time.Minute,
	}
	if s.o.Subjects != "" {
		cc.FilterSubjects = []string{s.o.Subjects}
	}
	cons, err := s.str.OrderedConsumer(s.ctx, cc)
	if err != nil {
		return err
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(256))
	if err != nil {
		return err
	}
	defer it.Stop()
	for {
		wait, cancel := context.WithTimeout(s.ctx, s.o.Idle)
		m, err := it.Next(jetstream.NextContext(wait))
		cancel()
		switch {
		case s.ctx.Err() != nil:
			return s.ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			return nil // nothing more the server can deliver
		case err != nil:
			return err
		}
		md, err := m.Metadata()
		if err != nil {
			return err
		}
		seq := md.Sequence.Stream
		if seq > s.last {
			return nil
		}
		if seq >= s.next {
			if err := s.fill(seq); err != nil {
				return err
			}
			s.next = seq + 1
			if err := s.deliver(m.Subject(), m.Headers(), m.Data()); err != nil {
				return err
			}
		}
		if seq == s.last || md.NumPending == 0 {
			return nil
		}
	}
}

// fill looks up, one by one, the sequences before to that the consumer did
// not deliver.
func (s *scan) fill(to uint64) error {
	for ; s.next < to; s.next++ {
		seq := s.next
		if s.deleted[seq] {
			continue
		}
		raw, err := s.str.GetMsg(s.ctx, seq)
		switch {
		case errors.Is(err, jetstream.ErrMsgNotFound):
			s.candidates = append(s.candidates, seq)
		case err != nil:
			return fmt.Errorf("%w: sequence %d: %w", ErrScanStalled, seq, err)
		case s.o.Subjects == "" || subjectMatches(s.o.Subjects, raw.Subject):
			if err := s.deliver(raw.Subject, raw.Header, raw.Data); err != nil {
				return err
			}
		}
	}
	return nil
}

// settle drops the candidates that were removed while the scan ran (a key
// rewritten), and names the subjects the server lists but the scan did not
// read and cannot read now.
func (s *scan) settle(subjects map[string]uint64) error {
	if len(s.candidates) > 0 {
		info, err := streamState(s.ctx, s.str, "")
		if err != nil {
			return err
		}
		gone := map[uint64]bool{}
		for _, d := range info.State.Deleted {
			gone[d] = true
		}
		for _, seq := range s.candidates {
			if seq >= info.State.FirstSeq && !gone[seq] {
				s.rep.Unreadable = append(s.rep.Unreadable, seq)
			}
		}
	}
	for subj := range subjects {
		if s.read[subj] {
			continue
		}
		raw, err := s.str.GetLastMsgForSubject(s.ctx, subj)
		switch {
		case errors.Is(err, jetstream.ErrMsgNotFound):
			s.rep.Lost = append(s.rep.Lost, subj)
		case err != nil:
			return fmt.Errorf("subject %s: %w", subj, err)
		default: // written again while the scan ran
			if err := s.deliver(raw.Subject, raw.Header, raw.Data); err != nil {
				return err
			}
		}
	}
	slices.Sort(s.rep.Lost)
	return nil
}

// subjectMatches reports whether subject matches filter, with NATS
// wildcards ("*" one token, ">" the rest).
func subjectMatches(filter, subject string) bool {
	for {
		ft, frest, fmore := cut(filter)
		st, srest, smore := cut(subject)
		switch {
		case ft == ">":
			return st != ""
		case ft != "*" && ft != st:
			return false
		case !fmore || !smore:
			return fmore == smore
		}
		filter, subject = frest, srest
	}
}

func cut(s string) (token, rest string, more bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
