package web

import (
	"net/http"

	"github.com/facetriage/facetriage/internal/audit"
)

// auditPage checks the audit trail's hash chain, its anchor and its head
// file, as `facetriage audit verify` does, and says what it found.
func (u *ui) auditPage(w http.ResponseWriter, r *http.Request) {
	rep, err := u.d.Audit.Verify(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(w, r, "audit.title")
	v.Data = auditData{Report: rep, OK: rep.OK()}
	u.render(w, http.StatusOK, "audit", v)
}

type auditData struct {
	Report audit.Report
	OK     bool
}
