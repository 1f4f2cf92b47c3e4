package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Problem is one thing Verify found wrong.
type Problem struct {
	// Seq is the record's sequence (the first of a run of missing ones);
	// 0 for the stream's settings or the anchor as a whole.
	Seq    uint64
	Reason string
}

// Report is what Verify found.
type Report struct {
	// Records is how many records were read and decoded.
	Records int
	// Head is the last record read. Keep it somewhere else and pass it to
	// a later Verify: a rewritten chain cannot match it.
	Head Mark
	// Anchor is the head anchor as stored (zero when there is none).
	Anchor   Mark
	Problems []Problem
}

// OK reports a trail with no problems.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verify reads every record and checks the chain, the stream's settings
// and the head anchor. Each mark (a head kept elsewhere by an earlier
// Verify) is checked like the anchor: the log must reach it, and the
// record there must still have its hash. Tampering is reported in the
// Report's Problems; the error is only for failing to read.
func (l *Log) Verify(ctx context.Context, marks ...Mark) (Report, error) {
	var rep Report
	// The anchor first: a record appended after the stream's state is
	// read cannot then make the anchor look ahead of the log.
	anchor, _, err := l.readAnchor(ctx)
	badAnchor := errors.Is(err, errBadAnchor)
	if err != nil && !badAnchor {
		return rep, err
	}
	rep.Anchor = anchor
	info, err := l.state(ctx)
	if err != nil {
		return rep, err
	}
	v := verifier{rep: &rep, hashes: map[uint64]string{anchor.Seq: ""}}
	for _, m := range marks {
		v.hashes[m.Seq] = ""
	}
	for _, why := range unsafeSettings(info.Config) {
		v.problem(0, "stream settings: "+why)
	}
	if err := l.scan(ctx, info, 1, v.add); err != nil {
		return rep, err
	}
	v.flush()

	last := info.State.LastSeq
	switch {
	case badAnchor:
		v.problem(0, "the head anchor is unreadable: truncation of the log's end cannot be ruled out")
	case anchor.Seq == 0 && last > 0:
		v.problem(0, "the head anchor is missing: truncation of the log's end cannot be ruled out")
	default:
		v.mark(anchor, last, "the head anchor")
	}
	for _, m := range marks {
		v.mark(m, last, "the mark kept elsewhere")
	}
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int { return compare(a.Seq, b.Seq) })
	return rep, nil
}

func compare(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// verifier checks the records in sequence order.
type verifier struct {
	rep    *Report
	prev   Mark // the previous record, when prevOK
	prevOK bool
	// A run of missing sequences with the same reason, reported as one.
	runFrom, runTo uint64
	runWhy         string
	// The stored hash at the sequences the anchor and the marks name.
	hashes map[uint64]string
}

func (v *verifier) problem(seq uint64, reason string) {
	v.rep.Problems = append(v.rep.Problems, Problem{Seq: seq, Reason: reason})
}

func (v *verifier) add(s slot) error {
	if s.data == nil {
		v.missing(s.seq, s.missing)
		return nil
	}
	v.flush()
	r, _, err := decode(s.data, s.seq)
	if err != nil {
		v.problem(s.seq, "undecodable: "+err.Error())
		v.prevOK = false
		return nil
	}
	if h := r.hash(); h != r.Hash {
		v.problem(s.seq, fmt.Sprintf("altered: its contents hash to %s, not to the %s it records", short(h), short(r.Hash)))
	}
	switch {
	case s.seq == 1 && r.Prev != "":
		v.problem(s.seq, fmt.Sprintf("broken chain: the first record names a predecessor %s", short(r.Prev)))
	case s.seq > 1 && v.prevOK && r.Prev != v.prev.Hash:
		v.problem(s.seq, fmt.Sprintf("broken chain: its prev %s is not the hash %s of record %d", short(r.Prev), short(v.prev.Hash), v.prev.Seq))
	}
	if want := subjectFor(r.Case); s.subject != want {
		v.problem(s.seq, fmt.Sprintf("misfiled: on subject %s, not %s", s.subject, want))
	}
	if _, ok := v.hashes[s.seq]; ok {
		v.hashes[s.seq] = r.Hash
	}
	v.rep.Records++
	v.rep.Head = Mark{Seq: s.seq, Hash: r.Hash}
	v.prev, v.prevOK = v.rep.Head, true
	return nil
}

// missing notes a sequence with no readable record; a link across it
// cannot be checked.
func (v *verifier) missing(seq uint64, why string) {
	v.prevOK = false
	if v.runWhy == why && seq == v.runTo+1 {
		v.runTo = seq
		return
	}
	v.flush()
	v.runFrom, v.runTo, v.runWhy = seq, seq, why
}

func (v *verifier) flush() {
	switch {
	case v.runWhy == "":
		return
	case v.runFrom == v.runTo:
		v.problem(v.runFrom, v.runWhy)
	default:
		v.problem(v.runFrom, fmt.Sprintf("records %d to %d: %s", v.runFrom, v.runTo, v.runWhy))
	}
	v.runWhy = ""
}

// mark checks that the log reaches m and still has m's hash there.
func (v *verifier) mark(m Mark, last uint64, what string) {
	switch {
	case m.Seq == 0:
	case m.Seq > last:
		v.problem(last+1, fmt.Sprintf("truncated: the log ends at record %d, but %s is record %d (%s)", last, what, m.Seq, short(m.Hash)))
	case v.hashes[m.Seq] == "":
		// missing or unreadable, reported already
	case v.hashes[m.Seq] != m.Hash:
		v.problem(m.Seq, fmt.Sprintf("rewritten: %s gives record %d the hash %s, but it has %s", what, m.Seq, short(m.Hash), short(v.hashes[m.Seq])))
	}
}

func short(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}
