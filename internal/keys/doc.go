// Package keys holds the installation's Ed25519 signing key: it signs the
// audit trail's head witness and the manifests of evidence exports, so that
// a head kept elsewhere or an export handed to a court can be checked
// offline against the public key that `facetriage keys show` prints.
//
// The key is made on first use in DATA/secrets/signing.key (directory mode
// 0700, file mode 0600, PKCS#8 PEM, readable with `openssl pkey`), or read
// from a file given with --signing-key or FACETRIAGE_SIGNING_KEY, so that
// the API processes of a scale-out deployment share one key.
//
// Public keys are written "ed25519:" followed by the 32 bytes in standard
// base64; a fingerprint is the first 12 bytes of the public key's SHA-256
// in hexadecimal groups, short enough to read aloud and compare.
package keys
