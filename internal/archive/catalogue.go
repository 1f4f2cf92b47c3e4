package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
)

// ErrNotFound means there is no record under the key.
var ErrNotFound = errors.New("archive: no such record")

// ErrDamaged means records are counted in storage but cannot be read: they
// fail the store's checksum, or are not records. The error names them.
var ErrDamaged = errors.New("archive: records damaged in storage")

// Catalogue is the archive's records in JetStream.
type Catalogue struct {
	js                                   jetstream.JetStream
	photos, faces, individuals, failures jetstream.KeyValue
	hashes                               jetstream.KeyValue
	crops                                jetstream.ObjectStore
	now                                  func() time.Time
}

// Open binds to the buckets that bus.Topology.Ensure created.
func Open(ctx context.Context, js jetstream.JetStream) (*Catalogue, error) {
	c := &Catalogue{js: js, now: func() time.Time { return time.Now().UTC() }}
	var err error
	for _, b := range []struct {
		kv   *jetstream.KeyValue
		name string
	}{{&c.photos, bus.BucketPhotos}, {&c.faces, bus.BucketFaces}, {&c.individuals, bus.BucketIndividuals}, {&c.failures, bus.BucketFailures}, {&c.hashes, bus.BucketHashes}} {
		if *b.kv, err = js.KeyValue(ctx, b.name); err != nil {
			return nil, fmt.Errorf("archive: bucket %s: %w", b.name, err)
		}
	}
	if c.crops, err = js.ObjectStore(ctx, bus.ObjectCrops); err != nil {
		return nil, fmt.Errorf("archive: object store %s: %w", bus.ObjectCrops, err)
	}
	return c, nil
}

// Photo returns a photo's record.
func (c *Catalogue) Photo(ctx context.Context, sha string) (Photo, error) {
	var p Photo
	e, err := c.photos.Get(ctx, sha)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return p, fmt.Errorf("%w: photo %s", ErrNotFound, sha)
	}
	if err != nil {
		return p, fmt.Errorf("archive: photo %s: %w", sha, err)
	}
	return p, json.Unmarshal(e.Value(), &p)
}

// Reset sends a failed photo back to the start of the pipeline: its status
// and error are cleared, the only way a status moves backwards. Its failure
// records stay, as history.
func (c *Catalogue) Reset(ctx context.Context, sha string) error {
	_, err := c.update(ctx, sha, func(p *Photo) error {
		p.Status, p.Error = "", ""
		return nil
	}, true)
	return err
}

// Update changes a photo's record under optimistic concurrency: fn gets the
// current record (or a new one with only SHA256 set) and edits it; when
// another writer got there first, fn runs again on the newer record. A
// record's status never moves backwards: fn's change of Status is ignored
// if it would.
func (c *Catalogue) Update(ctx context.Context, sha string, fn func(p *Photo) error) (Photo, error) {
	return c.update(ctx, sha, fn, false)
}

func (c *Catalogue) update(ctx context.Context, sha string, fn func(p *Photo) error, backwards bool) (Photo, error) {
	fresh := func() Photo { return Photo{SHA256: sha, Catalogued: c.now()} }
	return updateRecord(ctx, c.photos, sha, "photo "+sha, fresh, func(p *Photo) error {
		before := p.Status
		if err := fn(p); err != nil {
			return err
		}
		if !backwards && p.Status.rank() < before.rank() {
			p.Status = before
		}
		p.Updated = c.now()
		return nil
	})
}

// AddPath is an Update that records one more place the photo was found.
func AddPath(p *Photo, path string) {
	if path != "" && !slices.Contains(p.Paths, path) {
		p.Paths = append(p.Paths, path)
	}
}

// keyOf turns any string into a valid key.
func keyOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:16])
}

// Photos calls fn with every readable photo record, in no particular
// order. When some cannot be read, it still gives every other one to fn,
// then returns ErrDamaged with their names.
func (c *Catalogue) Photos(ctx context.Context, fn func(Photo) error) error {
	scan, err := scanBucket(ctx, c, bus.BucketPhotos, bus.ScanOptions{}, fn)
	return scan.damagedErr("photo", err)
}

// Watch calls fn with every later change to a photo record, until ctx ends.
func (c *Catalogue) Watch(ctx context.Context, fn func(Photo)) error {
	w, err := c.photos.WatchAll(ctx, jetstream.IgnoreDeletes(), jetstream.UpdatesOnly())
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	go func() {
		defer w.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-w.Updates():
				if !ok {
					return
				}
				if e == nil {
					continue
				}
				var p Photo
				if json.Unmarshal(e.Value(), &p) == nil {
					fn(p)
				}
			}
		}
	}()
	return nil
}
