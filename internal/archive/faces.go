package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/face"
)

// FaceRecord is one face found in a photo: the source of truth of every
// vector index, which can be rebuilt from these records alone.
type FaceRecord struct {
	Photo      string          `json:"photo"`
	Index      int             `json:"index"`
	Box        face.Box        `json:"box"`
	Landmarks  face.Landmarks  `json:"landmarks,omitempty"`
	Descriptor face.Descriptor `json:"descriptor"`
	Rotation   face.Rotation   `json:"rotation"`
	Detector   face.Detector   `json:"detector"`
	Size       int             `json:"size"`
	Sharpness  float64         `json:"sharpness"`
	// Crop names the face's crop in the crop store, or "".
	Crop string `json:"crop,omitempty"`
	// Model is the embedding model's id and version.
	Model      string `json:"model"`
	Individual string `json:"individual"`
	// CopyOf, on a face of a near-duplicate photo, names the original's
	// face it is (FaceKey); "" otherwise.
	CopyOf   string    `json:"copy_of,omitempty"`
	Recorded time.Time `json:"recorded"`
}

// FaceKey is a face record's key: the photo's SHA-256, a dot, the index.
func FaceKey(photo string, index int) string { return photo + "." + strconv.Itoa(index) }

// PutFaces writes face records. Writing the same face again replaces it.
func (c *Catalogue) PutFaces(ctx context.Context, fs []FaceRecord) error {
	for _, f := range fs {
		if f.Recorded.IsZero() {
			f.Recorded = c.now()
		}
		b, err := json.Marshal(f)
		if err != nil {
			return err
		}
		if _, err := c.faces.Put(ctx, FaceKey(f.Photo, f.Index), b); err != nil {
			return fmt.Errorf("archive: face %s: %w", FaceKey(f.Photo, f.Index), err)
		}
	}
	return nil
}

// Face returns one face record.
func (c *Catalogue) Face(ctx context.Context, photo string, index int) (FaceRecord, error) {
	var f FaceRecord
	e, err := c.faces.Get(ctx, FaceKey(photo, index))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return f, fmt.Errorf("%w: face %s", ErrNotFound, FaceKey(photo, index))
	}
	if err != nil {
		return f, fmt.Errorf("archive: %w", err)
	}
	return f, json.Unmarshal(e.Value(), &f)
}

// FacesOf returns the face records of one photo (p.Faces of them), read
// by key. A record that cannot be read is an error wrapping ErrDamaged
// that names it; the others are returned with it.
func (c *Catalogue) FacesOf(ctx context.Context, p Photo) ([]FaceRecord, error) {
	var out []FaceRecord
	var damaged []string
	for i := 0; i < p.Faces; i++ {
		f, err := c.Face(ctx, p.SHA256, i)
		switch {
		case errors.Is(err, ErrNotFound):
			// The photo counts it: it was written, and cannot be read.
			damaged = append(damaged, FaceKey(p.SHA256, i))
		case err != nil:
			return out, err
		default:
			out = append(out, f)
		}
	}
	if len(damaged) > 0 {
		return out, fmt.Errorf("%w: face record(s) %s", ErrDamaged, strings.Join(damaged, ", "))
	}
	return out, nil
}

// Faces calls fn with every readable face record. When some cannot be
// read, it still gives every other one to fn, then returns ErrDamaged with
// their names.
func (c *Catalogue) Faces(ctx context.Context, fn func(FaceRecord) error) error {
	scan, err := c.ScanFaces(ctx, bus.ScanOptions{}, fn)
	return scan.damagedErr("face", err)
}

// DamagedFace splits a damaged face record's name into the photo and the
// face index; ok is false for a name that is only a sequence.
func DamagedFace(name string) (photo string, index int, ok bool) {
	photo, idx, found := strings.Cut(name, ".")
	if !found {
		return "", 0, false
	}
	index, err := strconv.Atoi(idx)
	return photo, index, err == nil
}

// ScanFaces calls fn with every readable face record, reports progress as
// o says, and names the records that cannot be read (scanBucket).
func (c *Catalogue) ScanFaces(ctx context.Context, o bus.ScanOptions, fn func(FaceRecord) error) (BucketScan, error) {
	return scanBucket(ctx, c, bus.BucketFaces, o, fn)
}

// CountFaces is the number of face records.
func (c *Catalogue) CountFaces(ctx context.Context) (int, error) {
	st, err := c.faces.Status(ctx)
	if err != nil {
		return 0, fmt.Errorf("archive: %w", err)
	}
	return int(st.Values()), nil
}

// PutCrop stores a face crop; the same name again replaces it.
//
// A crop already stored with the same bytes (a retried photo puts its
// crops again) is left as it is, and nothing is written: a put of an
// existing name makes JetStream purge the old revision (the meta's
// roll-up, and the client's purge of the old chunks), and in nats-server
// 2.15 a purge whose write meets a full disk deadlocks the stream's file
// store (fileStore.PurgeEx holds the store's lock; the failed flush calls
// fileStore.rebuildState, which takes it again). The crops stream would
// hang, and the embedded JetStream's restart once space returns with it.
func (c *Catalogue) PutCrop(ctx context.Context, name string, jpeg []byte) error {
	if info, err := c.crops.GetInfo(ctx, name); err == nil && info.Size == uint64(len(jpeg)) && info.Digest == cropDigest(jpeg) {
		return nil
	}
	if _, err := c.crops.Put(ctx, jetstream.ObjectMeta{Name: name}, bytes.NewReader(jpeg)); err != nil {
		return fmt.Errorf("archive: crop %s: %w", name, err)
	}
	return nil
}

// cropDigest is the digest the object store records for data.
func cropDigest(data []byte) string {
	h := sha256.New()
	h.Write(data)
	return jetstream.GetObjectDigestValue(h)
}

// Crop returns a stored face crop.
func (c *Catalogue) Crop(ctx context.Context, name string) ([]byte, error) {
	b, err := c.crops.GetBytes(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, fmt.Errorf("%w: crop %s", ErrNotFound, name)
	}
	if err != nil {
		return nil, fmt.Errorf("archive: crop %s: %w", name, err)
	}
	return b, nil
}

// CropName is the name of a face's crop.
func CropName(photo string, index int) string { return photo + "_" + strconv.Itoa(index) + ".jpg" }
