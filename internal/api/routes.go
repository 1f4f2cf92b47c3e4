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

// The role sets routes allow: the API's and the web UI's.
var (
	Anyone     = []auth.Role{auth.RoleAdmin, auth.RoleCaseworker, auth.RoleReviewer}
	Admin      = []auth.Role{auth.RoleAdmin}
	Caseworker = []auth.Role{auth.RoleCaseworker}
	Reviewer   = []auth.Role{auth.RoleReviewer}
	Casework   = []auth.Role{auth.RoleCaseworker, auth.RoleReviewer}
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
		{Method: "POST", Path: "/api/v1/logout", Roles: Anyone, Kind: JSON, Summary: "Log out", Handler: d.logout},
		{Method: "GET", Path: "/api/v1/me", Roles: Anyone, Kind: JSON, Summary: "Who is logged in", Handler: d.me},

		{Method: "POST", Path: "/api/v1/search", Roles: Casework, Kind: JSON, Summary: "Rank individuals for a photo (outside a case)", Handler: d.search},

		{Method: "GET", Path: "/api/v1/cases", Roles: Casework, Kind: JSON, Summary: "List cases", Handler: d.listCases},
		{Method: "POST", Path: "/api/v1/cases", Roles: Caseworker, Kind: JSON, Summary: "Open a case", Handler: d.createCase},
		{Method: "GET", Path: "/api/v1/cases/{id}", Roles: Casework, Kind: JSON, Summary: "A case, with its shortlist", Handler: d.getCase},
		{Method: "PUT", Path: "/api/v1/cases/{id}", Roles: Caseworker, Kind: JSON, Summary: "Change a case's details", Handler: d.updateCase},
		{Method: "POST", Path: "/api/v1/cases/{id}/status", Roles: Caseworker, Kind: JSON, Summary: "Open or close a case", Handler: d.setStatus},
		{Method: "POST", Path: "/api/v1/cases/{id}/references", Roles: Caseworker, Kind: JSON, Summary: "Add a reference photo (multipart: photo, face, child, old)", Handler: d.addReference},
		{Method: "GET", Path: "/api/v1/cases/{id}/references/{ref}/photo", Roles: Casework, Kind: Image, Summary: "A reference photo", Handler: d.referencePhoto},
		{Method: "POST", Path: "/api/v1/cases/{id}/match", Roles: Casework, Kind: JSON, Summary: "Match the case against the archive: its shortlist", Handler: d.matchCase},
		{Method: "POST", Path: "/api/v1/cases/{id}/candidates/{individual}/decision", Roles: Reviewer, Kind: JSON, Summary: "A reviewer's verdict: possible, excluded or identified, with a reason", Handler: d.decide},
		{Method: "GET", Path: "/api/v1/cases/{id}/candidates/{individual}/crop", Roles: Casework, Kind: Image, Summary: "A candidate's face crop: blurred unless reveal=1; grey=1 for greyscale", Handler: d.crop},
		{Method: "GET", Path: "/api/v1/cases/{id}/candidates/{individual}/photo", Roles: Casework, Kind: Image, Summary: "A candidate's full photo, on explicit request", Handler: d.fullPhoto},
		{Method: "GET", Path: "/api/v1/cases/{id}/family", Roles: Caseworker, Kind: JSON, Summary: "Family viewing: only candidates a reviewer marked possible", Handler: d.family},
		{Method: "GET", Path: "/api/v1/cases/{id}/export", Roles: Reviewer, Kind: Other, Summary: "Evidence export (zip) for an identified candidate", Handler: d.export},

		{Method: "GET", Path: "/api/v1/users", Roles: Admin, Kind: JSON, Summary: "List accounts", Handler: d.listUsers},
		{Method: "POST", Path: "/api/v1/users", Roles: Admin, Kind: JSON, Summary: "Add an account", Handler: d.addUser},
		{Method: "POST", Path: "/api/v1/users/{name}/disabled", Roles: Admin, Kind: JSON, Summary: "Disable or enable an account", Handler: d.setDisabled},
		{Method: "GET", Path: "/api/v1/tokens", Roles: Admin, Kind: JSON, Summary: "List API tokens", Handler: d.listTokens},
		{Method: "POST", Path: "/api/v1/tokens", Roles: Admin, Kind: JSON, Summary: "Create an API token for a batch job", Handler: d.createToken},
		{Method: "DELETE", Path: "/api/v1/tokens/{id}", Roles: Admin, Kind: JSON, Summary: "Revoke an API token", Handler: d.revokeToken},
		{Method: "GET", Path: "/api/v1/audit/verify", Roles: Admin, Kind: JSON, Summary: "Verify the audit trail's hash chain", Handler: d.verifyAudit},
	}
}
