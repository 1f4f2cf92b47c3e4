package web

import (
	"html/template"
	"net/http"
	"strings"

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

// wrapLong escapes s and lets a browser break it after every slash, "!"
// and run of 16 characters: a recorded path is one long word, wider than a
// phone.
func wrapLong(s string) template.HTML {
	var b strings.Builder
	run := 0
	for _, r := range s {
		b.WriteString(template.HTMLEscapeString(string(r)))
		run++
		if r == '/' || r == '!' || run >= 16 {
			b.WriteString("<wbr>")
			run = 0
		}
	}
	return template.HTML(b.String())
}
