package engine

import (
	"context"
	"errors"
)

// ErrNoFaceEngine is the error of everything that needs the face engine in
// a binary built without it. The engine (dlib through go-face, OpenCV
// through gocv) needs cgo: a binary built with CGO_ENABLED=0, or where no C
// compiler was found, has none, and still decodes, indexes and serves the
// API and casework. The message says how to get a build with the engine.
var ErrNoFaceEngine = errors.New("this binary was built without the face engine (dlib and OpenCV need cgo): " +
	"build it with scripts/run.sh, or with `go build ./cmd/facetriage` with cgo on (CGO_ENABLED=1) " +
	"and the Debian packages of the README's build section installed")

// Unavailable is the engine of a binary built without one: every Embed
// fails with ErrNoFaceEngine.
type Unavailable struct{}

// Embed fails with ErrNoFaceEngine.
func (Unavailable) Embed(context.Context, []byte) (Result, error) {
	return Result{}, ErrNoFaceEngine
}
