package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"strconv"
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
	Landmarks  []image.Point   `json:"landmarks,omitempty"`
	Descriptor face.Descriptor `json:"descriptor"`
	Rotation   face.Rotation   `json:"rotation"`
	Detector   face.Detector   `json:"detector"`
	Size       int             `json:"size"`
	Sharpness  float64         `json:"sharpness"`
	// Crop names the face's crop in the crop store, or "".
	Crop string `json:"crop,omitempty"`
	// Model is the embedding model's id and version.
	Model      string    `json:"model"`
	Individual string    `json:"individual"`
	Recorded   time.Time `json:"recorded"`
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

// Faces calls fn with every face record (to rebuild an index).
func (c *Catalogue) Faces(ctx context.Context, fn func(FaceRecord) error) error {
	return bus.EachValue(ctx, c.faces, func(b []byte) error {
		var f FaceRecord
		if err := json.Unmarshal(b, &f); err != nil {
			return err
		}
		return fn(f)
	})
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
func (c *Catalogue) PutCrop(ctx context.Context, name string, jpeg []byte) error {
	if _, err := c.crops.Put(ctx, jetstream.ObjectMeta{Name: name}, bytes.NewReader(jpeg)); err != nil {
		return fmt.Errorf("archive: crop %s: %w", name, err)
	}
	return nil
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
