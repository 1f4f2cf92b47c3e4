// Package archive is the catalogue of the originals and what was found in
// them: one record per photo (by SHA-256) with its paths, size, EXIF and
// file-name metadata; one record per face, with its embedding and the model
// that made it, which is the source of truth every vector index is built
// from; the individuals (photos tied by a detainee number); the failures;
// and the face crops. It lives in JetStream key-value buckets and an object
// store, so the embedded and the scale-out modes share it unchanged.
//
// Originals are only ever read. Records are written idempotently, so a
// message delivered twice changes nothing.
package archive
