//go:build !cgo

package testenv

// faceEngine: a build without cgo has no face engine (see
// engine.ErrNoFaceEngine).
const faceEngine = false
