package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Problem is one thing Verify found wrong.
type Problem struct {
	// Seq is the record's sequence (the first of a run of missing ones);
	// 0 for the stream, its settings or the anchor as a whole.
	Seq    uint64 `json:"seq"`
	Reason string `json:"reason"`
}

// Report is what Verify found.
type Report struct {
	// Records is how many records were read and decoded.
	Records int `json:"records"`
	// Head is the last record read. Keep it somewhere else (`facetriage
	// audit head` signs it) and pass it to a later Verify: a rewritten
	// chain cannot match it.
	Head Mark `json:"head"`
	// Anchor is the head anchor as stored (zero when there is none).
	Anchor Mark `json:"anchor"`
	// Created is when the stream was created (zero when it is gone).
	Created time.Time `json:"created,omitzero"`
	// Start is the trail's first record when it started by replacing an
	// earlier trail (see Restart); nil otherwise.
	Start *Event `json:"start,omitempty"`
	// Quick is set by Check: the records were not read one by one, and
	// Records is 0.
	Quick    bool      `json:"quick"`
	Problems []Problem `json:"problems"`
}

// OK reports a trail with no problems.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Witness is a head kept outside the stream, and what a report calls it.
type Witness struct {
	Name string // e.g. "the head file", "the head kept elsewhere"
	Head Head
}

// Verify reads every record and checks the chain, the stream's settings,
// the head anchor and each witness: the log must reach the record a
// witness names, the record there must still have its hash, and the stream
// must be the one the witness saw created. A witness of exactly the head
// that the trail's first record replaced (Report.Start) is accounted for. Tampering is reported in the
// Report's Problems; the error is only for failing to read. Like Inspect,
// it creates nothing.
//
// A Log opened WithWitness also checks against its head file, and reports
// a head file that is missing or does not verify.
func (l *Log) Verify(ctx context.Context, ws ...Witness) (Report, error) {
	ws, fileProblem := l.withHeadFile(ws)
	rep, err := verifyTrail(ctx, l.js, l.idle, ws)
	if fileProblem != "" {
		rep.Problems = append([]Problem{{Reason: fileProblem}}, rep.Problems...)
	}
	return rep, err
}

// withHeadFile adds the Log's head file to ws, or says why it cannot.
func (l *Log) withHeadFile(ws []Witness) ([]Witness, string) {
	if l.wit == nil {
		return ws, ""
	}
	h, err := ReadHead(l.wit.path, publicOf(l.wit.key))
	switch {
	case headMissing(err):
		return ws, "the head file " + l.wit.path + " is missing: it was deleted"
	case err != nil:
		return ws, "the head file: " + err.Error()
	}
	return append(ws, Witness{Name: "the head file", Head: h}), ""
}

// Inspect is Verify for the trail in js, without opening it for appending:
// it creates nothing, and reports a stream or anchor bucket that does not
// exist as a problem.
func Inspect(ctx context.Context, js jetstream.JetStream, ws ...Witness) (Report, error) {
	return verifyTrail(ctx, js, 2*time.Second, ws)
}

func verifyTrail(ctx context.Context, js jetstream.JetStream, idle time.Duration, ws []Witness) (Report, error) {
	var rep Report
	// The anchor first: a record appended after the stream's state is
	// read cannot then make the anchor look ahead of the log.
	kv, err := js.KeyValue(ctx, BucketHead)
	bucketGone := errors.Is(err, jetstream.ErrBucketNotFound)
	if err != nil && !bucketGone {
		return rep, fmt.Errorf("audit: bucket %s: %w", BucketHead, err)
	}
	var anchor Mark
	badAnchor := false
	if kv != nil {
		anchor, _, err = readAnchor(ctx, kv)
		badAnchor = errors.Is(err, errBadAnchor)
		if err != nil && !badAnchor {
			return rep, err
		}
	}
	rep.Anchor = anchor
	v := verifier{rep: &rep, hashes: map[uint64]string{anchor.Seq: ""}}
	st, err := js.Stream(ctx, StreamName)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		all := ws
		if anchor.Seq > 0 {
			all = append(all, Witness{Name: "the head anchor", Head: Head{Seq: anchor.Seq, Hash: anchor.Hash}})
		}
		v.problem(0, streamGone(all))
		if bucketGone {
			v.problem(0, bucketGoneReason)
		}
		return rep, nil
	}
	if err != nil {
		return rep, fmt.Errorf("audit: stream %s: %w", StreamName, err)
	}
	rd := reader{st: st, idle: idle}
	info, err := rd.state(ctx)
	if err != nil {
		return rep, err
	}
	rep.Created = info.Created
	for _, w := range ws {
		v.hashes[w.Head.Seq] = ""
	}
	for _, why := range unsafeSettings(info.Config) {
		v.problem(0, "stream settings: "+why)
	}
	if err := rd.scan(ctx, info, 1, v.add); err != nil {
		return rep, err
	}
	v.flush()
	// A witness of the trail that this one replaced, at the head its first
	// record names, is accounted for by that record.
	var current []Witness
	for _, w := range ws {
		if rep.Start != nil && w.Head.Hash == rep.Start.Prev && fmt.Sprint(w.Head.Seq) == rep.Start.Detail["replaces_seq"] {
			continue
		}
		if why, bad := recreated(w, info.Created); bad {
			v.problem(0, why)
		}
		current = append(current, w)
	}

	last := info.State.LastSeq
	switch {
	case bucketGone:
		v.problem(0, bucketGoneReason)
	case badAnchor:
		v.problem(0, "the head anchor is unreadable: truncation of the log's end cannot be ruled out")
	case anchor.Seq == 0 && last > 0:
		v.problem(0, "the head anchor is missing: truncation of the log's end cannot be ruled out")
	default:
		v.mark(anchor, last, "the head anchor")
	}
	for _, w := range current {
		v.mark(w.Head.Mark(), last, w.Name)
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
	r, ev, err := decode(s.data, s.seq)
	if err != nil {
		v.problem(s.seq, "undecodable: "+err.Error())
		v.prevOK = false
		return nil
	}
	if h := r.hash(); h != r.Hash {
		v.problem(s.seq, fmt.Sprintf("altered: its contents hash to %s, not to the %s it records", short(h), short(r.Hash)))
	}
	switch {
	case s.seq == 1 && startsTrail(r):
		v.rep.Start = &ev
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
		v.problem(last+1, truncated(last, what, m))
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
