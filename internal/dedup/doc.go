// Package dedup finds near-duplicate photos: the same photograph circulated
// in several caches, re-encoded, resized or cropped, so that its SHA-256
// differs. Without it, each copy becomes one more individual, and a search
// shows the same person twice.
//
// A photo is described by a perceptual hash of the whole photo (hash.go),
// which survives re-encoding and resizing but not cropping, and by its
// faces' descriptors, which survive cropping but move when a small photo is
// halved. Candidates are the photos registered before it (Index) whose hash
// lies within a few bits, or which have a face nearer than different
// photographs of one person come; a candidate is confirmed by the faces
// (Confirm): those of the photo with fewer faces must each pair up, one to
// one, with a face of the other, nearer than the evidence allows.
//
// Linker, used by the index stage, registers each photo's hashes in the
// catalogue (archive.HashEntry), links a confirmed copy to its original,
// and says which individual each of the copy's faces belongs to, so that a
// search shows the person once. Consistency (consistency.go) flags numbered
// individuals whose faces disagree. Every threshold is in thresholds.go,
// with where its value comes from.
//
// The package is pure Go; decoding a large photo for its hash is faster
// with OpenCV (imaging.DecodeGray), which the faces worker passes in.
package dedup
