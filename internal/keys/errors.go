package keys

import "errors"

// Sentinel errors. Messages wrapping them add the file and the detail.
var (
	// ErrNoKey: the key file does not exist (and was not to be made).
	ErrNoKey = errors.New("keys: no signing key")
	// ErrBadKey: the file is not an Ed25519 private key in PKCS#8 PEM, or a
	// public key is not in a form Parse reads.
	ErrBadKey = errors.New("keys: not an Ed25519 key")
	// ErrExposed: the key file can be read or written by other accounts.
	ErrExposed = errors.New("keys: the signing key file is open to other accounts")
)
