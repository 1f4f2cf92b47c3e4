package web

import (
	"net/http"

	"github.com/facetriage/facetriage/internal/api"
)

// ingestPage shows admins the ingest jobs over HTTP (running and recent,
// with their counts and failures), each stage's queue, and the archive's
// failures by kind.
func (u *ui) ingestPage(w http.ResponseWriter, r *http.Request) {
	o, err := u.d.IngestJobs.Overview(r.Context(), api.ActorOf(r))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(w, r, "ingest.title")
	v.Data = o
	u.render(w, http.StatusOK, "ingest", v)
}
