// Package face holds the plain types of the face engine: boxes, landmarks,
// descriptors, rotations and detectors, and the distance between faces. It
// has no cgo and no dependencies, so every other package can use it.
package face
