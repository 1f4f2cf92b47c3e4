package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Where the trail lives.
const (
	// StreamName is the stream of records.
	StreamName = "FT_AUDIT"
	// BucketHead is the key-value bucket of the head anchor.
	BucketHead = "ft_audit_head"

	subjectAll  = "ft.audit.>"
	subjectSys  = "ft.audit.sys"   // events outside any case
	subjectCase = "ft.audit.case." // + the case's token
	headKey     = "head"

	// duplicateWindow is short: the expected last sequence, not the
	// message ID, is what keeps the chain linear.
	duplicateWindow = time.Minute
)

// subjectFor is the subject an event is filed under, so that ForCase reads
// only its case's records.
func subjectFor(caseID string) string {
	if caseID == "" {
		return subjectSys
	}
	return subjectCase + caseToken(caseID)
}

// caseToken is the case ID when it is a plain subject token, and otherwise
// a digest of it (ForCase checks the ID itself, so digests may collide).
func caseToken(id string) string {
	if len(id) <= 64 && plainToken(id) {
		return id
	}
	h := sha256.Sum256([]byte(id))
	return "h-" + hex.EncodeToString(h[:16])
}

func plainToken(s string) bool {
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return s != ""
}
