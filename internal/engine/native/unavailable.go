//go:build !cgo

package native

import (
	"context"
	"fmt"
	"image"

	"github.com/facetriage/facetriage/internal/config"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imgfile"
)

// This file stands in for the engine in a binary built without cgo: the
// same names as native.go, each failing with engine.ErrNoFaceEngine.

var _ engine.Recognizer = (*Pool)(nil)

// Decoder refuses every photo: there is no decoder for the engine here.
var Decoder = engine.DecoderFunc(func(data []byte, lim imgfile.Limits) (engine.Picture, imgfile.Info, error) {
	return nil, imgfile.Info{}, fmt.Errorf("native: %w", engine.ErrNoFaceEngine)
})

// Pool has no recognizers.
type Pool struct{}

// Size is 0.
func (*Pool) Size() int { return 0 }

// Recognize fails with engine.ErrNoFaceEngine.
func (*Pool) Recognize(context.Context, []byte, face.Detector) ([]face.Detection, error) {
	return nil, fmt.Errorf("native: %w", engine.ErrNoFaceEngine)
}

// Close does nothing.
func (*Pool) Close() {}

// Engine is never made: Open always fails.
type Engine struct {
	*engine.Engine
	Pool *Pool
}

// Close does nothing.
func (e *Engine) Close() {}

// Open fails with engine.ErrNoFaceEngine.
func Open(config.Config, ...func(*engine.Options)) (*Engine, error) {
	return nil, fmt.Errorf("native: %w", engine.ErrNoFaceEngine)
}

// DecodeGray fails with engine.ErrNoFaceEngine: only the faces stage hashes
// photos.
func DecodeGray([]byte, int) (image.Image, error) {
	return nil, fmt.Errorf("native: %w", engine.ErrNoFaceEngine)
}
