package audit

import "errors"

// Sentinel errors. Messages wrapping them add detail.
var (
	// ErrInvalid: the event lacks an actor or an action, or ForCase got no
	// case.
	ErrInvalid = errors.New("audit: invalid event")
	// ErrUnsafeStream: an existing FT_AUDIT stream allows records to be
	// deleted, purged or discarded.
	ErrUnsafeStream = errors.New("audit: the audit stream allows records to be removed")
	// ErrStreamConfig: an existing FT_AUDIT stream differs from the one
	// this Log would create (replicas, subjects, duplicate window); only an
	// operator may change it.
	ErrStreamConfig = errors.New("audit: the audit stream is configured differently")
	// ErrContended: Append lost the race for the tail too many times in a
	// row.
	ErrContended = errors.New("audit: too many concurrent appends")
	// ErrCorrupt: the last record cannot be read, so Append cannot chain
	// onto it. Run Verify.
	ErrCorrupt = errors.New("audit: the log's last record is unreadable")
	// ErrIncomplete: Read or ForCase delivered every record it could, but
	// some could not be read or decoded. Run Verify.
	ErrIncomplete = errors.New("audit: some records could not be read")

	// ErrDamaged: Open found the trail cut short, rewritten or gone (the
	// stream, its anchor bucket, or records a witness names), and will not
	// start a new chain over it. Run Verify; Restart starts a new trail
	// that records the old head.
	ErrDamaged = errors.New("audit: the audit trail is damaged")
	// ErrBadHead: a head witness is not a head signed by this
	// installation's key.
	ErrBadHead = errors.New("audit: the head witness does not verify")
	// ErrIntact: Restart was asked to replace a trail that verifies.
	ErrIntact = errors.New("audit: the audit trail is intact; there is nothing to restart")

	// errBadAnchor: the head anchor's value does not decode (Verify
	// reports it as a problem).
	errBadAnchor = errors.New("audit: the head anchor does not decode")
)
