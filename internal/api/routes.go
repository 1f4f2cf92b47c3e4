package api

import (
	"net/http"

	"github.com/facetriage/facetriage/internal/auth"
)

// Kind says what a route returns.
type Kind string

// Route kinds.
const (
	JSON  Kind = "json"
	Image Kind = "image"
	Page  Kind = "page"
	Other Kind = "other"
)

// Route is one entry of the permission matrix.
type Route struct {
	Method, Path string
	// Roles may use the route; Public routes need no identity.
	Roles   []auth.Role
	Public  bool
	Kind    Kind
	Summary string
	Handler http.HandlerFunc
}

var (
	anyone     = []auth.Role{auth.RoleAdmin, auth.RoleCaseworker, auth.RoleReviewer}
	admin      = []auth.Role{auth.RoleAdmin}
	caseworker = []auth.Role{auth.RoleCaseworker}
	reviewer   = []auth.Role{auth.RoleReviewer}
	casework   = []auth.Role{auth.RoleCaseworker, auth.RoleReviewer}
)

// Routes is the JSON API's part of the permission matrix.
//
//	admin:      accounts, API tokens, audit verification
//	caseworker: cases, reference photos, shortlists, family viewing
//	reviewer:   cases (read), shortlists, decisions, identification, export
//
// No role sees what its work does not need: an admin sees no case, and
// only caseworkers and reviewers see images.
func (d *Deps) Routes() []Route {
	return []Route{
		{Method: "GET", Path: "/healthz", Public: true, Kind: Other, Summary: "Liveness", Handler: d.healthz},
		{Method: "GET", Path: "/readyz", Public: true, Kind: Other, Summary: "Readiness", Handler: d.readyz},
		{Method: "GET", Path: "/metrics", Public: true, Kind: Other, Summary: "Prometheus metrics", Handler: d.metrics},
		{Method: "GET", Path: "/api/openapi.json", Public: true, Kind: JSON, Summary: "This API, as OpenAPI 3", Handler: d.openapi},
		{Method: "POST", Path: "/api/v1/login", Public: true, Kind: JSON, Summary: "Log in; sets the session cookie and returns the CSRF token", Handler: d.login},
		{Method: "POST", Path: "/api/v1/logout", Roles: anyone, Kind: JSON, Summary: "Log out", Handler: d.logout},
		{Method: "GET", Path: "/api/v1/me", Roles: anyone, Kind: JSON, Summary: "Who is logged in", Handler: d.me},

		{Method: "POST", Path: "/api/v1/search", Roles: casework, Kind: JSON, Summary: "Rank individuals for a photo (outside a case)", Handler: d.search},

		{Method: "GET", Path: "/api/v1/cases", Roles: casework, Kind: JSON, Summary: "List cases", Handler: d.listCases},
		{Method: "POST", Path: "/api/v1/cases", Roles: caseworker, Kind: JSON, Summary: "Open a case", Handler: d.createCase},
		{Method: "GET", Path: "/api/v1/cases/{id}", Roles: casework, Kind: JSON, Summary: "A case, with its shortlist", Handler: d.getCase},
		{Method: "PUT", Path: "/api/v1/cases/{id}", Roles: caseworker, Kind: JSON, Summary: "Change a case's details", Handler: d.updateCase},
		{Method: "POST", Path: "/api/v1/cases/{id}/status", Roles: caseworker, Kind: JSON, Summary: "Open or close a case", Handler: d.setStatus},
		{Method: "POST", Path: "/api/v1/cases/{id}/references", Roles: caseworker, Kind: JSON, Summary: "Add a reference photo (multipart: photo, face, child, old)", Handler: d.addReference},
		{Method: "GET", Path: "/api/v1/cases/{id}/references/{ref}/photo", Roles: casework, Kind: Image, Summary: "A reference photo", Handler: d.referencePhoto},
		{Method: "POST", Path: "/api/v1/cases/{id}/match", Roles: casework, Kind: JSON, Summary: "Match the case against the archive: its shortlist", Handler: d.matchCase},
		{Method: "POST", Path: "/api/v1/cases/{id}/candidates/{individual}/decision", Roles: reviewer, Kind: JSON, Summary: "A reviewer's verdict: possible, excluded or identified, with a reason", Handler: d.decide},
		{Method: "GET", Path: "/api/v1/cases/{id}/candidates/{individual}/crop", Roles: casework, Kind: Image, Summary: "A candidate's face crop: blurred unless reveal=1; grey=1 for greyscale", Handler: d.crop},
		{Method: "GET", Path: "/api/v1/cases/{id}/candidates/{individual}/photo", Roles: casework, Kind: Image, Summary: "A candidate's full photo, on explicit request", Handler: d.fullPhoto},
		{Method: "GET", Path: "/api/v1/cases/{id}/family", Roles: caseworker, Kind: JSON, Summary: "Family viewing: only candidates a reviewer marked possible", Handler: d.family},
		{Method: "GET", Path: "/api/v1/cases/{id}/export", Roles: reviewer, Kind: Other, Summary: "Evidence export (zip) for an identified candidate", Handler: d.export},

		{Method: "GET", Path: "/api/v1/users", Roles: admin, Kind: JSON, Summary: "List accounts", Handler: d.listUsers},
		{Method: "POST", Path: "/api/v1/users", Roles: admin, Kind: JSON, Summary: "Add an account", Handler: d.addUser},
		{Method: "POST", Path: "/api/v1/users/{name}/disabled", Roles: admin, Kind: JSON, Summary: "Disable or enable an account", Handler: d.setDisabled},
		{Method: "GET", Path: "/api/v1/tokens", Roles: admin, Kind: JSON, Summary: "List API tokens", Handler: d.listTokens},
		{Method: "POST", Path: "/api/v1/tokens", Roles: admin, Kind: JSON, Summary: "Create an API token for a batch job", Handler: d.createToken},
		{Method: "DELETE", Path: "/api/v1/tokens/{id}", Roles: admin, Kind: JSON, Summary: "Revoke an API token", Handler: d.revokeToken},
		{Method: "GET", Path: "/api/v1/audit/verify", Roles: admin, Kind: JSON, Summary: "Verify the audit trail's hash chain", Handler: d.verifyAudit},
	}
}
