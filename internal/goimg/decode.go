package goimg

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"

	"github.com/facetriage/facetriage/internal/imgfile"
)

// ErrUnsupported: a format imgfile accepts but Go's decoders cannot read
// (PGM/PPM); the face engine's OpenCV decoder reads it.
var ErrUnsupported = errors.New("goimg: no pure-Go decoder for this format")

// Decode inspects data (see imgfile.Inspect), decodes it and applies the
// EXIF orientation. Refusals wrap imgfile's sentinel errors, or
// ErrUnsupported.
func Decode(data []byte, lim imgfile.Limits) (image.Image, imgfile.Info, error) {
	info, err := imgfile.Inspect(data, lim)
	if err != nil {
		return nil, info, err
	}
	decode, ok := decoders[info.Format]
	if !ok {
		return nil, info, fmt.Errorf("%w: %s", ErrUnsupported, info.Format)
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, info, fmt.Errorf("%w: %s: %v", imgfile.ErrCorrupt, info.Format, err)
	}
	if b := img.Bounds(); b.Dx() != info.Width || b.Dy() != info.Height {
		return nil, info, fmt.Errorf("%w: header says %d×%d, decoded %d×%d", imgfile.ErrCorrupt, info.Width, info.Height, b.Dx(), b.Dy())
	}
	return Orient(img, info.EXIF.Orientation), info, nil
}

var decoders = map[imgfile.Format]func(r *bytes.Reader) (image.Image, error){
	imgfile.JPEG: func(r *bytes.Reader) (image.Image, error) { return jpeg.Decode(r) },
	imgfile.PNG:  func(r *bytes.Reader) (image.Image, error) { return png.Decode(r) },
	imgfile.TIFF: func(r *bytes.Reader) (image.Image, error) { return tiff.Decode(r) },
	imgfile.WebP: func(r *bytes.Reader) (image.Image, error) { return webp.Decode(r) },
	imgfile.BMP:  func(r *bytes.Reader) (image.Image, error) { return bmp.Decode(r) },
}
