package ingestjobs

import "errors"

// Errors, wrapped with context; test them with errors.Is.
var (
	// ErrNotFound: no such job, or not one the actor may read.
	ErrNotFound = errors.New("ingest: no such job")
	// ErrDisabled: this process keeps no uploads (no upload folder).
	ErrDisabled = errors.New("ingest over HTTP is not enabled on this server")
	// ErrFormat: an upload that is neither a zip, a tar, a gzip-compressed
	// tar nor a multipart upload of photos.
	ErrFormat = errors.New("ingest: the upload is not a zip, tar or tar.gz stream")
	// ErrBomb: a compressed upload that expands far beyond its size.
	ErrBomb = errors.New("ingest: the archive expands far beyond its size (a zip or gzip bomb): refused")
	// ErrStorageFull: the disk that keeps uploads (the data directory's)
	// has too little space left; nothing of the upload is kept.
	ErrStorageFull = errors.New("ingest: not enough free space to keep the upload")
	// ErrTooLarge: an upload over the route's body limit; nothing of it is kept.
	ErrTooLarge = errors.New("ingest: the upload is too large")
	// ErrEmpty: an upload without a byte, or a multipart upload without a photo.
	ErrEmpty = errors.New("ingest: the upload is empty")
	// ErrInvalid: a source name that is not UTF-8 or too long.
	ErrInvalid = errors.New("ingest: invalid request")
	// ErrInterrupted: the upload ended before it was complete (the client
	// went away, or the server stopped while it was received).
	ErrInterrupted = errors.New("ingest: the upload was interrupted: send it again (photos already through count as done before)")
)

// Kinds of why a job could not run (Job.ErrorKind).
const (
	KindTooLarge    = "too_large"
	KindStorageFull = "storage_full"
	KindBomb        = "bomb"
	KindFormat      = "format"
	KindEmpty       = "empty"
	KindInterrupted = "interrupted"
	KindInternal    = "internal"
)
