package web_test

import (
	"testing"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/web"
)

// parity pairs each route of the HTTP API with the page route that does
// the same, or says why it has none. A route added to either table and
// not here fails TestEveryActionInBothTheAPIAndTheUI.
var parity = map[string]string{
	"GET /healthz":                                             "-probe for machines",
	"GET /readyz":                                              "-probe for machines",
	"GET /metrics":                                             "-for the monitoring system",
	"GET /api/openapi.json":                                    "-describes the API itself",
	"POST /api/v1/login":                                       "POST " + web.LoginPath,
	"POST /api/v1/logout":                                      "POST /logout",
	"GET /api/v1/me":                                           "GET /account",
	"POST /api/v1/account/totp":                                "POST /account/totp",
	"POST /api/v1/account/totp/confirm":                        "POST /account/totp/confirm",
	"POST /api/v1/search":                                      "-the pages search within a case: a case's match is the search, recorded with its reason",
	"GET /api/v1/cases":                                        "GET /cases",
	"POST /api/v1/cases":                                       "POST /cases",
	"GET /api/v1/cases/{id}":                                   "GET /cases/{id}",
	"PUT /api/v1/cases/{id}":                                   "POST /cases/{id}/edit",
	"POST /api/v1/cases/{id}/status":                           "POST /cases/{id}/status",
	"POST /api/v1/cases/{id}/members":                          "POST /cases/{id}/members",
	"DELETE /api/v1/cases/{id}/members/{name}":                 "POST /cases/{id}/members",
	"POST /api/v1/cases/{id}/owner":                            "POST /cases/{id}/members",
	"POST /api/v1/cases/{id}/references":                       "POST /cases/{id}/references",
	"POST /api/v1/cases/{id}/references/{ref}/remove":          "POST /cases/{id}/references/{ref}/remove",
	"GET /api/v1/cases/{id}/references/{ref}/photo":            "GET /cases/{id}",
	"POST /api/v1/cases/{id}/match":                            "POST /cases/{id}/match",
	"POST /api/v1/cases/{id}/candidates/{individual}/decision": "POST /cases/{id}/candidates/{individual}/decision",
	"POST /api/v1/cases/{id}/none-of-these":                    "POST /cases/{id}/none-of-these",
	"GET /api/v1/cases/{id}/candidates/{individual}/crop":      "GET /cases/{id}",
	"GET /api/v1/cases/{id}/candidates/{individual}/photo":     "GET /cases/{id}/candidates/{individual}/photo-page",
	"GET /api/v1/cases/{id}/candidates/{individual}":           "GET /cases/{id}/candidates/{individual}",
	"GET /api/v1/cases/{id}/candidates/{individual}/photos/{sha}/faces/{face}/crop": "GET /cases/{id}/candidates/{individual}",
	"GET /api/v1/cases/{id}/candidates/{individual}/photos/{sha}":                   "GET /cases/{id}/candidates/{individual}/photos/{sha}",
	"GET /api/v1/cases/{id}/shown":                                                  "GET /cases/{id}",
	"GET /api/v1/cases/{id}/family":                                                 "GET /cases/{id}/family",
	"GET /api/v1/cases/{id}/export":                                                 "GET /cases/{id}",
	"GET /api/v1/users":                                                             "GET /admin",
	"POST /api/v1/users":                                                            "POST /admin/users",
	"POST /api/v1/users/{name}/disabled":                                            "POST /admin/users/{name}",
	"POST /api/v1/users/{name}/unlock":                                              "POST /admin/users/{name}",
	"POST /api/v1/users/{name}/totp/reset":                                          "POST /admin/users/{name}",
	"GET /api/v1/tokens":                                                            "GET /account",
	"POST /api/v1/tokens":                                                           "POST /account/tokens",
	"DELETE /api/v1/tokens/{id}":                                                    "POST /account/tokens/{token}/revoke",
	"POST /api/v1/ingest":                                                           "-batch jobs send caches with an ingest token (facetriage ingest --server); people use the ingest page to follow them",
	"GET /api/v1/ingest":                                                            "GET /admin/ingest",
	"GET /api/v1/ingest/{job}":                                                      "GET /admin/ingest",
	"GET /api/v1/audit/verify":                                                      "GET /admin/audit",
}

// pageOnly are the page routes with no API twin, and why.
var pageOnly = map[string]string{
	"GET /favicon.ico":                      "browsers ask for it",
	"GET /static/style.css":                 "the pages' style",
	"GET /":                                 "the home page",
	"GET " + web.LoginPath:                  "the login form (POST /api/v1/login)",
	"GET /cases/new":                        "a form",
	"GET /cases/{id}/edit":                  "a form",
	"GET /cases/{id}/faces/{pending}":       "choosing a face: the API takes the face number with the photo",
	"GET /cases/{id}/faces/{pending}/photo": "the photo awaiting that choice",
	"POST /cases/{id}/faces/{pending}":      "choosing a face: the API takes the face number with the photo",
	"GET /account/totp/qr.png":              "the QR code of the secret the API returns as text",
	"POST /admin/tokens/{token}/revoke":     "DELETE /api/v1/tokens/{id} for admins",
}

// TestEveryActionInBothTheAPIAndTheUI walks both route tables: every API
// route has its page (or a stated reason), every page route that acts is
// some API route's twin (or stated), and every twin named exists.
func TestEveryActionInBothTheAPIAndTheUI(t *testing.T) {
	d := &api.Deps{}
	pages := map[string]bool{}
	for _, r := range web.Routes(d) {
		pages[r.Method+" "+r.Path] = true
	}
	twinned := map[string]bool{}
	for _, r := range d.Routes() {
		key := r.Method + " " + r.Path
		twin, ok := parity[key]
		switch {
		case !ok:
			t.Errorf("API route %s has no page: add one, or say why in parity", key)
		case twin[0] == '-':
		case !pages[twin]:
			t.Errorf("API route %s: its page %s is not a page route", key, twin)
		default:
			twinned[twin] = true
		}
	}
	for key := range pages {
		if !twinned[key] && pageOnly[key] == "" {
			t.Errorf("page route %s does what no API route does: add one, or say why in pageOnly", key)
		}
	}
	for key := range parity {
		found := false
		for _, r := range d.Routes() {
			found = found || r.Method+" "+r.Path == key
		}
		if !found {
			t.Errorf("parity names %s, which is not an API route", key)
		}
	}
}
