package audit

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Restart is the operator's way out of a damaged trail: Open refuses to
// append to one, and nothing starts a new chain silently.
type Restart struct {
	// Actor and Reason are recorded in the new trail's first record.
	Actor, Reason string
	// ArchiveDir receives what remains of the old stream, one line per
	// sequence (DATA/audit-archive).
	ArchiveDir string
	// Replicas of the new stream and bucket.
	Replicas int
	// Witnesses besides the head file (a head kept elsewhere).
	Witnesses []Witness
}

// ArchiveLine is one line of a restart's archive: a sequence of the old
// stream and its bytes (Record when they are JSON, Raw in base64 when not),
// or why there were none.
type ArchiveLine struct {
	Seq     uint64          `json:"seq"`
	Subject string          `json:"subject,omitempty"`
	Record  json.RawMessage `json:"record,omitempty"`
	Raw     string          `json:"raw,omitempty"`
	Missing string          `json:"missing,omitempty"`
}

// maxStartProblems bounds the problems a trail_start record lists.
const maxStartProblems = 8

// Run replaces a damaged trail with a new one. It verifies the trail (and
// refuses one that verifies, with ErrIntact), copies what remains of the
// stream to a file in ArchiveDir, deletes the stream and the anchor bucket,
// and starts a new trail whose first record (ActionTrailStart) has the old
// head's hash as its Prev and says in its Detail which head it replaces,
// what Verify found, and the archive's name and SHA-256. The head file is
// then rewritten to name that record. Run it with no other process
// appending.
func (r Restart) Run(ctx context.Context, js jetstream.JetStream, opts ...Option) (Event, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	if strings.TrimSpace(r.Actor) == "" || strings.TrimSpace(r.Reason) == "" {
		return Event{}, fmt.Errorf("%w: a restart needs an actor and a reason", ErrInvalid)
	}
	ws := r.Witnesses
	detail := map[string]string{"reason": r.Reason}
	var file *Head
	if o.headPath != "" {
		h, err := ReadHead(o.headPath, publicOf(o.key))
		switch {
		case headMissing(err):
			detail["head_file"] = "missing"
		case err != nil:
			detail["head_file"] = err.Error()
		default:
			file = &h
			ws = append(ws, Witness{Name: "the head file", Head: h})
		}
	}
	rep, err := Inspect(ctx, js, ws...)
	if err != nil {
		return Event{}, err
	}
	if rep.OK() {
		return Event{}, fmt.Errorf("%w: %d records verified", ErrIntact, rep.Records)
	}
	old, from := oldHead(file, rep)
	detail["replaces_from"] = from
	detail["replaces_seq"] = fmt.Sprint(old.Seq)
	detail["replaces_hash"] = old.Hash
	if !old.Created.IsZero() {
		detail["replaces_stream_created"] = stamp(old.Created)
	}
	detail["problems"] = fmt.Sprint(len(rep.Problems))
	for i, p := range rep.Problems[:min(len(rep.Problems), maxStartProblems)] {
		detail[fmt.Sprintf("problem_%d", i+1)] = fmt.Sprintf("record %d: %s", p.Seq, p.Reason)
	}

	if err := r.archive(ctx, js, rep, detail); err != nil {
		return Event{}, err
	}
	if err := js.DeleteStream(ctx, StreamName); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return Event{}, fmt.Errorf("audit: delete the damaged stream: %w", err)
	}
	if err := js.DeleteKeyValue(ctx, BucketHead); err != nil && !errors.Is(err, jetstream.ErrBucketNotFound) {
		return Event{}, fmt.Errorf("audit: delete the anchor bucket: %w", err)
	}
	return r.start(ctx, js, o, old.Hash, detail)
}

// oldHead is the head the new trail replaces: the head file's when it
// verifies (it is signed), else the anchor's, else the last record read.
func oldHead(file *Head, rep Report) (Head, string) {
	switch {
	case file != nil && file.Seq > 0:
		return *file, "head file"
	case rep.Anchor.Seq > 0:
		return Head{Seq: rep.Anchor.Seq, Hash: rep.Anchor.Hash, Created: rep.Created}, "head anchor"
	case rep.Head.Seq > 0:
		return Head{Seq: rep.Head.Seq, Hash: rep.Head.Hash, Created: rep.Created}, "last record"
	}
	return Head{}, "none"
}

// archive copies every sequence of the old stream, if it still exists, to
// a new file in ArchiveDir, and notes its name and digest in detail.
func (r Restart) archive(ctx context.Context, js jetstream.JetStream, rep Report, detail map[string]string) error {
	st, err := js.Stream(ctx, StreamName)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("audit: stream %s: %w", StreamName, err)
	}
	rd := reader{st: st, idle: 2 * time.Second}
	info, err := rd.state(ctx)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(r.ArchiveDir, 0o700); err != nil {
		return fmt.Errorf("audit: archive: %w", err)
	}
	const layout = "20060102T150405Z"
	name := fmt.Sprintf("%s-created-%s-archived-%s.jsonl", StreamName, info.Created.UTC().Format(layout), time.Now().UTC().Format(layout))
	f, err := os.OpenFile(filepath.Join(r.ArchiveDir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("audit: archive: %w", err)
	}
	defer f.Close()
	sum := sha256.New()
	bw := bufio.NewWriter(io.MultiWriter(f, sum))
	enc := json.NewEncoder(bw)
	err = rd.scan(ctx, info, 1, func(s slot) error {
		line := ArchiveLine{Seq: s.seq, Subject: s.subject, Missing: s.missing}
		switch {
		case s.data == nil:
		case json.Valid(s.data):
			line.Record = s.data
		default:
			line.Raw = base64.StdEncoding.EncodeToString(s.data)
		}
		return enc.Encode(line)
	})
	if err = errors.Join(err, bw.Flush(), f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("audit: archive %s: %w", name, err)
	}
	detail["archive"] = name
	detail["archive_sha256"] = hex.EncodeToString(sum.Sum(nil))
	detail["archive_records"] = fmt.Sprint(rep.Records)
	return nil
}

// start makes the new stream and bucket and appends the first record,
// chained to prev, then points the anchor and the head file at it.
func (r Restart) start(ctx context.Context, js jetstream.JetStream, o options, prev string, detail map[string]string) (Event, error) {
	replicas := max(1, r.Replicas)
	st, err := createStream(ctx, js, replicas)
	if err != nil {
		return Event{}, err
	}
	kv, err := createBucket(ctx, js, replicas)
	if err != nil {
		return Event{}, err
	}
	l := newLog(js, o)
	l.stream, l.head, l.created = st, kv, st.CachedInfo().Created
	b := bodyOf(Event{Time: l.now(), Actor: r.Actor, Action: ActionTrailStart, Detail: detail, Prev: prev})
	rec := record{body: b, Hash: b.hash()}
	ack, err := js.Publish(ctx, subjectFor(""), mustJSON(rec), jetstream.WithExpectLastSequence(0))
	if err != nil {
		return Event{}, fmt.Errorf("audit: start the new trail: %w", err)
	}
	l.mu.Lock()
	ev := l.appended(ctx, rec, ack.Sequence)
	l.mu.Unlock()
	if l.anchor.Seq != ev.Seq {
		return ev, fmt.Errorf("audit: the new trail's anchor was not set")
	}
	if o.headPath != "" {
		h := Head{Stream: StreamName, Seq: ev.Seq, Hash: ev.Hash, Created: l.created, Signed: l.now()}
		if err := writeHead(o.headPath, h, o.key); err != nil {
			return ev, err
		}
	}
	return ev, nil
}
