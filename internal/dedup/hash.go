package dedup

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"math/bits"
	"strconv"

	"github.com/corona10/goimagehash"

	_ "image/gif" // decoders for PureGoDecode
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// Hash is a 64-bit perceptual hash: the signs of the lowest 8×8
// frequencies of a 64×64 grey thumbnail's DCT, against their median
// (goimagehash's pHash). Photos that look alike differ in few bits.
type Hash uint64

// Distance is the number of bits in which two hashes differ.
func (h Hash) Distance(o Hash) int { return bits.OnesCount64(uint64(h ^ o)) }

// String is the hash as 16 hex digits, as records keep it.
func (h Hash) String() string { return fmt.Sprintf("%016x", uint64(h)) }

// ParseHash reads a hash written by String; "" is no hash (ok false).
func ParseHash(s string) (h Hash, ok bool) {
	if len(s) != 16 {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 16, 64)
	return Hash(v), err == nil
}

// ErrNoImage means the bytes could not be decoded for hashing.
var ErrNoImage = errors.New("dedup: cannot decode the image to hash it")

// Of hashes an image.
func Of(img image.Image) (Hash, error) {
	h, err := goimagehash.PerceptionHash(img)
	if err != nil {
		return 0, fmt.Errorf("dedup: %w", err)
	}
	return Hash(h.GetHash()), nil
}

// GrayDecoder decodes a photo, upright, in grey, scaled down so that its
// shorter side is still at least minSide pixels (or the photo's own size
// when it is smaller). imaging.DecodeGray is OpenCV's, which decodes a JPEG
// at 1/2, 1/4 or 1/8 of its size directly.
type GrayDecoder func(data []byte, minSide int) (image.Image, error)

// PureGoDecode is a GrayDecoder in pure Go: the standard decoders (JPEG,
// PNG, GIF, BMP, TIFF, WebP), at full size, without the EXIF orientation.
// It is for tests and for workers without OpenCV; a JPEG of 12 megapixels
// takes it about 0.2 s, against a few milliseconds for OpenCV.
func PureGoDecode(data []byte, _ int) (image.Image, error) {
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoImage, err)
	}
	return img, nil
}

// thumbSide is the shorter side a photo is decoded at for its hash: the
// hash looks at 64×64, and a margin of four keeps the resampling smooth.
const thumbSide = 256

// PhotoHasher hashes whole photos.
type PhotoHasher struct {
	// Decode decodes the photo (PureGoDecode when nil).
	Decode GrayDecoder
}

// PhotoHash hashes a photo's bytes. Errors wrap ErrNoImage.
func (h PhotoHasher) PhotoHash(data []byte) (Hash, error) {
	dec := h.Decode
	if dec == nil {
		dec = PureGoDecode
	}
	img, err := dec(data, thumbSide)
	if err != nil {
		if errors.Is(err, ErrNoImage) {
			return 0, err
		}
		return 0, fmt.Errorf("%w: %v", ErrNoImage, err)
	}
	return Of(img)
}
