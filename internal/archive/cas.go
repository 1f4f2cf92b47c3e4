package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
)

// maxUpdateAttempts bounds an optimistic update that keeps losing to other
// writers.
const maxUpdateAttempts = 50

// updateRecord is the one compare-and-swap loop over a bucket of JSON
// records: it reads key (or starts from fresh() when there is none), lets fn
// edit it, and writes it back only if nobody wrote in between; otherwise it
// reads again and fn runs again on the newer record. what names the record
// in errors.
func updateRecord[T any](ctx context.Context, kv jetstream.KeyValue, key, what string, fresh func() T, fn func(*T) error) (T, error) {
	for attempt := 0; attempt < maxUpdateAttempts; attempt++ {
		v := fresh()
		var rev uint64
		e, err := kv.Get(ctx, key)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
		case err != nil:
			return v, fmt.Errorf("archive: %s: %w", what, err)
		default:
			rev = e.Revision()
			if err := json.Unmarshal(e.Value(), &v); err != nil {
				return v, fmt.Errorf("archive: %s: %w", what, err)
			}
		}
		if err := fn(&v); err != nil {
			return v, err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return v, fmt.Errorf("archive: %s: %w", what, err)
		}
		if rev == 0 {
			_, err = kv.Create(ctx, key, b)
		} else {
			_, err = kv.Update(ctx, key, b, rev)
		}
		if err == nil {
			return v, nil
		}
		if !bus.IsConflict(err) {
			return v, fmt.Errorf("archive: %s: %w", what, err)
		}
	}
	var zero T
	return zero, fmt.Errorf("archive: %s: too many concurrent updates", what)
}
