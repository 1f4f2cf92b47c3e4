//go:build cgo

// Package dlibface adapts go-face (dlib) to the face engine: a pool of
// recognizers, one per core by default, each of which serialises its own
// calls, and control of BLAS threads so the pool does not oversubscribe the
// cores. It is one of the few cgo packages.
package dlibface
