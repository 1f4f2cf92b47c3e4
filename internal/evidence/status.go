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
	Checked   time.Time `json:"checked"`
	Intact    bool      `json:"intact"`
	Records   int       `json:"records"`
	HeadSeq   uint64    `json:"head_seq"`
	HeadHash  string    `json:"head_hash"`
	Problems  []string  `json:"problems,omitempty"`
	Statement string    `json:"statement"`
}

// AuditStatusOf is the status from a verification of the trail (audit.Log
// Verify or audit.Inspect) and its error, checked at at.
func AuditStatusOf(rep audit.Report, err error, at time.Time) AuditStatus {
	s := AuditStatus{Checked: at.UTC(), Records: rep.Records, HeadSeq: rep.Head.Seq, HeadHash: rep.Head.Hash}
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
	default:
		s.Intact = true
		s.Statement = fmt.Sprintf("The audit trail verified intact when this export was made: %d records, head record %d (%s).",
			rep.Records, rep.Head.Seq, rep.Head.Hash)
	}
	return s
}
