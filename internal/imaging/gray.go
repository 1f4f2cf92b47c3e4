//go:build cgo

package imaging

import (
	"fmt"
	"image"

	"gocv.io/x/gocv"

	"github.com/facetriage/facetriage/internal/imgfile"
)

// grayMaxPixels bounds the photos DecodeGray decodes: the engine's own
// default budget (engine.DefaultMaxPixels); the faces stage hashes only
// photos the engine has decoded already.
const grayMaxPixels = 100_000_000

// DecodeGray decodes a photo in grey, turned upright by its EXIF
// orientation, at 1/8, 1/4 or 1/2 of its size when its shorter side stays
// at least minSide pixels (a JPEG is decoded at that size directly, in a
// few milliseconds), and returns it as a Go image. It is the decoder of the
// near-duplicate hash (dedup.PhotoHasher). Refusals wrap imgfile's
// sentinel errors.
func DecodeGray(data []byte, minSide int) (image.Image, error) {
	info, err := imgfile.Inspect(data, imgfile.Limits{MaxPixels: grayMaxPixels, MinSide: 1})
	if err != nil {
		return nil, err
	}
	flag := gocv.IMReadGrayScale
	short := min(info.Width, info.Height)
	for _, r := range []struct {
		div  int
		flag gocv.IMReadFlag
	}{{8, gocv.IMReadReducedGrayscale8}, {4, gocv.IMReadReducedGrayscale4}, {2, gocv.IMReadReducedGrayscale2}} {
		if short/r.div >= minSide {
			flag = r.flag
			break
		}
	}
	m, err := gocv.IMDecode(data, flag|gocv.IMReadIgnoreOrientation)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", imgfile.ErrCorrupt, err)
	}
	defer func() { m.Close() }()
	if m.Empty() {
		return nil, fmt.Errorf("%w: the %s decoder could not read it", imgfile.ErrCorrupt, info.Format)
	}
	if err := orient(&m, info.EXIF.Orientation); err != nil {
		return nil, err
	}
	img, err := m.ToImage()
	if err != nil {
		return nil, fmt.Errorf("imaging: %w", err)
	}
	return img, nil
}
