// Package native builds a face engine from the real, cgo components: the
// OpenCV decoder (package imaging) and a pool of go-face recognizers
// (package models/dlibface).
//
// The engine needs cgo. In a binary built without it (CGO_ENABLED=0, or no
// C compiler), the package has the same names, and Open fails with
// engine.ErrNoFaceEngine, which says how to get a build with the engine
// (unavailable.go): such a binary still decodes, indexes and serves the API
// and casework.
package native
