// Package evidence writes and checks signed evidence exports: zip files
// whose MANIFEST.json lists every other member with its SHA-256 and size,
// and whose MANIFEST.sig is the installation key's Ed25519 signature of
// MANIFEST.json's exact bytes. The manifest carries the public key and its
// fingerprint, so an export can be checked offline, with no facetriage
// data directory: `facetriage export verify FILE.zip --key PUBKEY`.
//
// The format (FormatV1):
//
//   - MANIFEST.json: {"format", "created", "key" ("ed25519:BASE64"),
//     "fingerprint", "meta" (what the export is of), "files": [{"name",
//     "sha256", "size", "original"}]}.
//   - MANIFEST.sig: the 64-byte signature in standard base64, one line.
//     Without facetriage: `base64 -d MANIFEST.sig > sig.bin` and
//     `openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in
//     MANIFEST.json -sigfile sig.bin`, then `sha256sum` each member.
//   - AUDIT-STATUS.json (when the exporter adds it): whether the audit
//     trail verified when the export was made.
//
// Member names are relative slash-separated paths of valid UTF-8, with no
// "." or ".." elements, no backslashes or control characters, unique even
// when case is ignored; so that extracting an export cannot write outside
// its folder or let one member overwrite another.
//
// Verify reads each listed member at most to the size the manifest gives
// (and never more than MaxMember), streaming it through SHA-256: memory
// stays bounded whatever the zip holds, and members the manifest does not
// list are reported without being decompressed.
package evidence
