package evidence

import (
	"fmt"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/audit"
)

// AuditStatus is AUDIT-STATUS.json: whether the audit trail verified when
// the export was made. An export made while the trail fails verification
// says so here, inside the signed export.
type AuditStatus struct {
	Checked time.Time `json:"checked"`
	// How is "full" (every record re-read: audit.Log Verify) or "quick"
	// (the stream, its settings, the anchor and the head file: Check).
	How       string   `json:"how"`
	Intact    bool     `json:"intact"`
	Records   int      `json:"records"`
	HeadSeq   uint64   `json:"head_seq"`
	HeadHash  string   `json:"head_hash"`
	Problems  []string `json:"problems,omitempty"`
	Statement string   `json:"statement"`
}

// AuditStatusOf is the status from a check of the trail (audit.Log Verify
// or Check, or audit.Inspect) and its error, checked at at.
func AuditStatusOf(rep audit.Report, err error, at time.Time) AuditStatus {
	s := AuditStatus{Checked: at.UTC(), How: "full", Records: rep.Records, HeadSeq: rep.Head.Seq, HeadHash: rep.Head.Hash}
	if rep.Quick {
		s.How = "quick"
	}
	for _, p := range rep.Problems {
		s.Problems = append(s.Problems, fmt.Sprintf("record %d: %s", p.Seq, p.Reason))
	}
	switch {
	case err != nil:
		s.Problems = append(s.Problems, "the trail could not be read: "+err.Error())
		s.Statement = "WARNING: the audit trail could not be verified when this export was made."
	case !rep.OK():
		s.Statement = fmt.Sprintf("WARNING: the audit trail FAILED verification when this export was made (%d problem(s): %s). "+
			"The audit records in this export may be incomplete or altered.", len(rep.Problems), strings.Join(s.Problems, "; "))
	case rep.Quick:
		s.Intact = true
		s.Statement = fmt.Sprintf("The audit trail passed the quick check when this export was made (its stream, settings, "+
			"anchor and signed head file; records not re-read): head record %d (%s).", rep.Head.Seq, rep.Head.Hash)
	default:
		s.Intact = true
		s.Statement = fmt.Sprintf("The audit trail verified intact when this export was made: %d records, head record %d (%s).",
			rep.Records, rep.Head.Seq, rep.Head.Hash)
	}
	return s
}
