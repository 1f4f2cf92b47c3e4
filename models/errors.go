package models

import "errors"

// Sentinel errors. Callers test them with errors.Is; messages carry the detail.
var (
	// ErrChecksum means a file's SHA-256 differs from the pinned or recorded one.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrMissing means a required model file is not installed.
	ErrMissing = errors.New("model file missing")
	// ErrNoSource means no source could provide a file.
	ErrNoSource = errors.New("no source could provide the model file")
	// ErrWeights means the offline weights are not what the converter expects.
	ErrWeights = errors.New("unexpected weights")
)
