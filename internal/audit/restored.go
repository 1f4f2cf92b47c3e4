package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// AdoptRestored takes over a trail restored from a backup. JetStream's
// restore makes the stream anew, so the backup's head file names a stream
// created earlier, and opening the trail as serve does would report it as
// recreated. AdoptRestored checks every record of the restored stream
// against the backup's head file (it must reach that record with its
// hash; only the creation time may differ), then writes the head file for
// the restored stream and appends a record "trail_restored" that names
// the backup's head and its stream's creation time. It returns the
// report of that check; a trail that fails it is left as it is, with
// ErrDamaged.
func AdoptRestored(ctx context.Context, js jetstream.JetStream, replicas int, headPath string, key ed25519.PrivateKey,
	actor, from string, opts ...Option) (Report, error) {
	var ws []Witness
	old, err := ReadHead(headPath, publicOf(key))
	switch {
	case headMissing(err):
	case err != nil:
		return Report{}, fmt.Errorf("%w: the backup's head file: %v", ErrDamaged, err)
	default:
		// Its creation time is the original stream's: compare the rest.
		ws = append(ws, Witness{Name: "the backup's head file", Head: Head{Stream: old.Stream, Seq: old.Seq, Hash: old.Hash}})
	}
	rep, err := Inspect(ctx, js, ws...)
	if err != nil {
		return rep, err
	}
	if !rep.OK() {
		var why []string
		for _, p := range rep.Problems {
			why = append(why, fmt.Sprintf("record %d: %s", p.Seq, p.Reason))
		}
		return rep, fmt.Errorf("%w: the restored trail: %s", ErrDamaged, strings.Join(why, "; "))
	}
	// The head file now describes the restored stream.
	if err := os.Remove(headPath); err != nil && !headMissing(err) {
		return rep, fmt.Errorf("audit: %w", err)
	}
	lg, err := Open(ctx, js, replicas, append(opts, WithWitness(headPath, key))...)
	if err != nil {
		return rep, err
	}
	detail := map[string]string{"from": from, "records": fmt.Sprint(rep.Records),
		"restored_head_seq": fmt.Sprint(rep.Head.Seq), "restored_head_hash": rep.Head.Hash}
	if !old.Created.IsZero() {
		detail["backup_stream_created"] = stamp(old.Created)
	}
	if _, err := lg.Append(ctx, Event{Actor: actor, Action: "trail_restored", Detail: detail}); err != nil {
		return rep, err
	}
	return rep, lg.Close()
}
