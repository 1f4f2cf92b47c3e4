package engine

import (
	"context"
	"image"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imgfile"
)

// Recognizer finds faces in a JPEG and describes them, in the JPEG's pixels.
// It is safe for concurrent use. models/dlibface.Pool implements it.
type Recognizer interface {
	Recognize(ctx context.Context, jpeg []byte, det face.Detector) ([]face.Detection, error)
}

// Picture is a decoded, upright photo. imaging.Picture implements it.
type Picture interface {
	Size() image.Point
	// ScaledSize is the size of a view at scale, before rotation.
	ScaledSize(scale float64) image.Point
	// View is the photo scaled, then turned clockwise by quarter turns, as JPEG.
	View(quarterTurns int, scale float64, quality int) ([]byte, image.Point, error)
	// FaceCrop returns an aligned crop (JPEG when quality > 0) and the face's sharpness.
	FaceCrop(s face.CropSpec, quality int) ([]byte, float64, error)
	Close()
}

// Decoder turns file bytes into a Picture, refusing bad files with imgfile's
// sentinel errors.
type Decoder interface {
	Decode(data []byte, lim imgfile.Limits) (Picture, imgfile.Info, error)
}

// DecoderFunc adapts a function to Decoder.
type DecoderFunc func(data []byte, lim imgfile.Limits) (Picture, imgfile.Info, error)

// Decode calls f.
func (f DecoderFunc) Decode(data []byte, lim imgfile.Limits) (Picture, imgfile.Info, error) {
	return f(data, lim)
}
