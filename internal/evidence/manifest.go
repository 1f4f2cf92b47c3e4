package evidence

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Reserved member names.
const (
	ManifestName    = "MANIFEST.json"
	SignatureName   = "MANIFEST.sig"
	AuditStatusName = "AUDIT-STATUS.json"
)

// FormatV1 is the manifest's format.
const FormatV1 = "facetriage-evidence/1"

// Limits, on writing and on checking.
const (
	// MaxMember bounds one member (an original photo is at most 512 MiB).
	MaxMember = 1 << 30
	// MaxTotal bounds the members of one export together.
	MaxTotal = 8 << 30
	// MaxMembers bounds how many members an export has.
	MaxMembers = 100_000
	// MaxManifest bounds MANIFEST.json.
	MaxManifest = 32 << 20
	// maxSignature bounds MANIFEST.sig (88 bytes of base64 and a newline).
	maxSignature = 1 << 10
	// maxName bounds a member name, in bytes.
	maxName = 1024
)

// Manifest is MANIFEST.json.
type Manifest struct {
	Format      string          `json:"format"`
	Created     time.Time       `json:"created"`
	Key         string          `json:"key"`
	Fingerprint string          `json:"fingerprint"`
	Meta        json.RawMessage `json:"meta,omitempty"`
	Files       []Entry         `json:"files"`
}

// Entry lists one member.
type Entry struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Original is where an original photo was read from, when it is one.
	Original string `json:"original,omitempty"`
}

// checkName says why name cannot be a member's name ("" when it can).
func checkName(name string) string {
	switch {
	case name == "":
		return "empty"
	case len(name) > maxName:
		return fmt.Sprintf("longer than %d bytes", maxName)
	case !utf8.ValidString(name):
		return "not valid UTF-8"
	case strings.ContainsFunc(name, unicode.IsControl):
		return "contains a control character"
	case strings.Contains(name, `\`):
		return "contains a backslash"
	case strings.HasPrefix(name, "/"):
		return "absolute"
	case strings.HasSuffix(name, "/"):
		return "a directory"
	case len(name) >= 2 && name[1] == ':':
		return "starts with a drive letter"
	case path.Clean(name) != name:
		return "not a clean path (empty, . or .. elements)"
	case name == ".." || strings.HasPrefix(name, "../"):
		return "leads out of the export's folder"
	}
	return ""
}

// fold is the key under which two names collide on a case-insensitive
// file system.
func fold(name string) string { return strings.ToLower(name) }
