//go:build cgo

package testenv

// faceEngine: this build has the face engine (see engine.ErrNoFaceEngine).
const faceEngine = true
