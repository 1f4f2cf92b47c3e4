package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/nats-io/nats.go"

	"github.com/facetriage/facetriage/internal/bus"
)

// BucketScan is what a pass over a bucket's records found.
type BucketScan struct {
	// Expected is the number of records the bucket counted when the pass
	// began; Read the number given to fn.
	Expected, Read int
	// Damaged names the records that are counted but cannot be read: the
	// key when the server still knows it, otherwise "sequence N" of the
	// bucket's stream.
	Damaged []string
}

// scanBucket calls fn with the value of every readable key of a history-1
// bucket, decoded from JSON, reports progress as o says (its Subjects are
// ignored), and names the records that cannot be read instead of waiting
// for them: the server skips a record that fails its checksum, and a watch
// of the bucket then never reaches its end. A value that is not JSON of a
// T is named too (bytes changed by someone who also fixed the checksum).
// fn's error ends the pass.
func scanBucket[T any](ctx context.Context, c *Catalogue, bucket string, o bus.ScanOptions, fn func(T) error) (BucketScan, error) {
	var scan BucketScan
	prefix := "$KV." + bucket + "."
	o.Subjects = prefix + ">"
	rep, err := bus.Scan(ctx, c.js, "KV_"+bucket, o, func(subject string, h nats.Header, b []byte) error {
		if op := h.Get("KV-Operation"); op == "DEL" || op == "PURGE" {
			return nil // a deleted key
		}
		var v T
		if err := json.Unmarshal(b, &v); err != nil {
			scan.Damaged = append(scan.Damaged, strings.TrimPrefix(subject, prefix))
			return nil
		}
		scan.Read++
		return fn(v)
	})
	scan.Expected = rep.Expected
	for _, subj := range rep.Lost {
		scan.Damaged = append(scan.Damaged, strings.TrimPrefix(subj, prefix))
	}
	if len(rep.Unreadable) > len(rep.Lost) { // some keys are gone too: name the sequences
		for _, seq := range rep.Unreadable {
			scan.Damaged = append(scan.Damaged, "sequence "+strconv.FormatUint(seq, 10))
		}
	}
	if err != nil {
		return scan, fmt.Errorf("archive: %s: %w", bucket, err)
	}
	return scan, nil
}

// damagedErr is err, or ErrDamaged naming the damaged records.
func (s BucketScan) damagedErr(what string, err error) error {
	if err != nil || len(s.Damaged) == 0 {
		return err
	}
	return fmt.Errorf("%w: %d %s record(s): %s", ErrDamaged, len(s.Damaged), what, strings.Join(s.Damaged, ", "))
}
