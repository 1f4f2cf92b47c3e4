//go:build !cgo

package dlibconv

import (
	"fmt"

	"github.com/facetriage/facetriage/internal/engine"
)

// Write fails: dlib's serialisation needs cgo.
func Write(params []float32, path string) error {
	return fmt.Errorf("dlibconv: converting the face recognition model needs dlib: %w", engine.ErrNoFaceEngine)
}
