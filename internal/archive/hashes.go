package archive

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/face"
)

// HashEntry registers a photo for the near-duplicate search (package
// dedup): its perceptual hash and its faces. It is written once, by the index stage, before the photo's
// near-duplicates are looked for; its revision in the bucket orders the
// photos, and of two copies the one registered first is the original.
type HashEntry struct {
	Photo string `json:"photo"`
	// PHash is the whole photo's perceptual hash (Photo.PHash).
	PHash string `json:"phash,omitempty"`
	// Faces are its faces' descriptors, by face index: a crop of a photo
	// changes its hash but hardly its faces.
	Faces []PackedDescriptor `json:"faces,omitempty"`
}

// PackedDescriptor is a descriptor that JSON carries as base64 of its
// little-endian float32s: a third of the bytes of a list of numbers, and
// read ten times faster when a worker loads every entry at start.
type PackedDescriptor face.Descriptor

// MarshalJSON packs the descriptor.
func (d PackedDescriptor) MarshalJSON() ([]byte, error) {
	b := make([]byte, 4*face.Dim)
	for i, v := range d {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return json.Marshal(b)
}

// UnmarshalJSON unpacks it.
func (d *PackedDescriptor) UnmarshalJSON(data []byte) error {
	var b []byte
	if err := json.Unmarshal(data, &b); err != nil {
		return err
	}
	if len(b) != 4*face.Dim {
		return fmt.Errorf("archive: a packed descriptor of %d bytes, want %d", len(b), 4*face.Dim)
	}
	for i := range d {
		d[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return nil
}

// Pack packs descriptors for a HashEntry.
func Pack(ds []face.Descriptor) []PackedDescriptor {
	out := make([]PackedDescriptor, len(ds))
	for i, d := range ds {
		out[i] = PackedDescriptor(d)
	}
	return out
}

// RegisterHash records e under its photo, once, and returns the entry's
// revision: the first registration's, when the photo was registered before
// (a message delivered again).
func (c *Catalogue) RegisterHash(ctx context.Context, e HashEntry) (uint64, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("archive: hash of %s: %w", e.Photo, err)
	}
	rev, err := c.hashes.Create(ctx, e.Photo, b)
	if err == nil {
		return rev, nil
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return 0, fmt.Errorf("archive: hash of %s: %w", e.Photo, err)
	}
	old, err := c.hashes.Get(ctx, e.Photo)
	if err != nil {
		return 0, fmt.Errorf("archive: hash of %s: %w", e.Photo, err)
	}
	return old.Revision(), nil
}

// WatchHashes calls fn with every registered hash, in the order of
// registration, and then with every new one, until ctx ends; rev is the
// entry's revision. fn runs on one goroutine; the watch ends when ctx does,
// and done is closed then. An entry that is not JSON of a HashEntry is
// passed with only its revision, so that a waiter on it is not held.
func (c *Catalogue) WatchHashes(ctx context.Context, fn func(e HashEntry, rev uint64)) (done <-chan struct{}, err error) {
	w, err := c.hashes.WatchAll(ctx, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, fmt.Errorf("archive: hashes: %w", err)
	}
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		defer w.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case u, ok := <-w.Updates():
				if !ok {
					return
				}
				if u == nil {
					continue // the end of the initial values
				}
				var e HashEntry
				if json.Unmarshal(u.Value(), &e) != nil {
					e = HashEntry{}
				}
				fn(e, u.Revision())
			}
		}
	}()
	return ch, nil
}
