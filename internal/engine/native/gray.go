//go:build cgo

package native

import (
	"image"

	"github.com/facetriage/facetriage/internal/imaging"
)

// DecodeGray is the decoder of the near-duplicate hash
// (dedup.PhotoHasher.Decode) that the faces stage uses: OpenCV's, which
// decodes a JPEG at a reduced size directly (imaging.DecodeGray).
func DecodeGray(data []byte, minSide int) (image.Image, error) {
	return imaging.DecodeGray(data, minSide)
}
