package imgfile

import (
	"bytes"
	"strings"
	"time"

	"github.com/rwcarlsen/goexif/exif"
	"github.com/rwcarlsen/goexif/tiff"
)

// EXIF is what the catalogue keeps of a photo's EXIF data. Dates in archive
// photos are not always right; they are recorded, not trusted.
type EXIF struct {
	// Orientation is the EXIF orientation, 1–8; 1 (or 0 when absent) means
	// the pixels are stored upright.
	Orientation int `json:"orientation,omitempty"`
	// Taken is DateTimeOriginal (or DateTime), in the camera's clock.
	Taken time.Time `json:"taken,omitzero"`
	// Tags holds every readable tag as text, except maker notes and thumbnails.
	Tags map[string]string `json:"tags,omitempty"`
}

// maxTagLen bounds one tag's text so a hostile file cannot bloat records.
const maxTagLen = 256

// readEXIF returns the EXIF of JPEG and TIFF files. Broken or absent EXIF
// yields an empty result: it never makes a photo unreadable.
func readEXIF(f Format, data []byte) (out EXIF) {
	if f != JPEG && f != TIFF {
		return out
	}
	defer func() {
		if recover() != nil { // goexif can panic on malformed offsets
			out = EXIF{}
		}
	}()
	x, err := exif.Decode(bytes.NewReader(data))
	if x == nil || (err != nil && exif.IsCriticalError(err)) {
		return out
	}
	if t, err := x.Get(exif.Orientation); err == nil {
		if v, err := t.Int(0); err == nil && v >= 1 && v <= 8 {
			out.Orientation = v
		}
	}
	if t, err := x.DateTime(); err == nil {
		out.Taken = t
	}
	out.Tags = map[string]string{}
	_ = x.Walk(walker(func(name exif.FieldName, t *tiff.Tag) {
		if name == exif.MakerNote || strings.HasPrefix(string(name), "Thumb") {
			return
		}
		s := strings.Trim(t.String(), "\"")
		if len(s) > maxTagLen {
			s = s[:maxTagLen]
		}
		out.Tags[string(name)] = s
	}))
	return out
}

type walker func(exif.FieldName, *tiff.Tag)

func (w walker) Walk(name exif.FieldName, t *tiff.Tag) error {
	w(name, t)
	return nil
}
