package evidence

import "errors"

// Sentinel errors. Messages wrapping them add detail.
var (
	// ErrName: a member name is unsafe, reserved or used twice.
	ErrName = errors.New("evidence: bad member name")
	// ErrTooLarge: a member is larger than MaxMember.
	ErrTooLarge = errors.New("evidence: member too large")
	// ErrClosed: the Writer was closed, or failed earlier.
	ErrClosed = errors.New("evidence: the export is closed")
	// ErrNotEvidence: the file is not a zip, or has no manifest Verify can
	// read.
	ErrNotEvidence = errors.New("evidence: not an evidence export")
	// ErrRejected: the export failed verification; the Report's Problems
	// say each reason.
	ErrRejected = errors.New("evidence: the export failed verification")
)
