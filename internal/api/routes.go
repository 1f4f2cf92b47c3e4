package api

import (
	"net/http"
	"slices"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/ingestjobs"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
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
	// MaxBody bounds the request body (DefaultMaxBody when 0); a larger
	// one is refused before it is read.
	MaxBody int64
	// InPerson routes manage accounts and tokens: a person logged in uses
	// them, a token is refused (the accounts service refuses it too).
	InPerson bool
	// Enrolment routes stay open to a session whose role must use a second
	// factor and has none yet: to set one up (and log out).
	Enrolment bool
	// Stream routes read their body themselves, as it arrives (to disk):
	// it is not parsed before, and a session sends its CSRF token in the
	// header, never in the body.
	Stream bool
	// Doc describes what the route reads and answers, for the OpenAPI
	// document (openapi.go); every route but pages has one.
	Doc *Doc
}

// Request body limits.
const (
	// DefaultMaxBody bounds JSON and form bodies.
	DefaultMaxBody = 1 << 20
	// MaxUpload bounds an uploaded photo.
	MaxUpload = 32 << 20
	// UploadBody bounds a request carrying a photo: the photo and its form.
	UploadBody = MaxUpload + 1<<20
	// IngestBody bounds an ingest upload (a cache's zip or tar, or its
	// photos), which is streamed to disk: a larger cache is sent in parts.
	IngestBody = 8 << 30
)

func (rt Route) maxBody() int64 {
	if rt.MaxBody > 0 {
		return rt.MaxBody
	}
	return DefaultMaxBody
}

// The role sets routes allow: the API's and the web UI's.
var (
	Anyone     = []auth.Role{auth.RoleAdmin, auth.RoleCaseworker, auth.RoleReviewer, auth.RoleIngest}
	Admin      = []auth.Role{auth.RoleAdmin}
	Ingest     = []auth.Role{auth.RoleIngest}
	IngestRead = []auth.Role{auth.RoleIngest, auth.RoleAdmin}
	Caseworker = []auth.Role{auth.RoleCaseworker}
	Reviewer   = []auth.Role{auth.RoleReviewer}
	Casework   = []auth.Role{auth.RoleCaseworker, auth.RoleReviewer}
)

// Routes is the JSON API's part of the permission matrix.
//
//	admin:      accounts, every API token, audit verification
//	caseworker: cases, reference photos, shortlists, family viewing, sharing
//	reviewer:   cases (read), shortlists, decisions, identification, export
//	ingest:     ingest jobs over HTTP (batch jobs: no case, no image, no search)
//	everyone:   their own API tokens
//
// No role sees what its work does not need: an admin sees no case, and
// only caseworkers and reviewers see images or search. The roles here are the first
// check; the services check them again, with the actor's membership of
// the case, where the data is.
func (d *Deps) Routes() []Route {
	return []Route{
		{Method: "GET", Path: "/healthz", Public: true, Kind: Other, Summary: "Liveness", Handler: d.healthz,
			Doc: &Doc{OutType: "text/plain"}},
		{Method: "GET", Path: "/readyz", Public: true, Kind: Other, Summary: "Readiness", Handler: d.readyz,
			Doc: &Doc{OutType: "text/plain", Text: map[int]string{503: "Not ready: why, in words"}}},
		{Method: "GET", Path: "/metrics", Public: true, Kind: Other, Summary: "Prometheus metrics", Handler: d.metrics,
			Doc: &Doc{OutType: "text/plain", Text: map[int]string{404: "This process keeps no metrics"}}},
		{Method: "GET", Path: "/api/openapi.json", Public: true, Kind: JSON, Summary: "This API, as OpenAPI 3.1", Handler: d.openapi,
			Doc: &Doc{Out: map[string]any{}}},
		{Method: "POST", Path: "/api/v1/login", Public: true, Kind: JSON, Summary: "Log in; sets the session cookie and returns the CSRF token", Handler: d.login,
			Doc: &Doc{Body: loginRequest{}, Out: sessionInfo{}, Example: exampleSession, Errors: loginErrors}},
		{Method: "POST", Path: "/api/v1/logout", Roles: Anyone, Kind: JSON, Summary: "Log out", Handler: d.logout, Enrolment: true,
			Doc: &Doc{Body: emptyRequest{}, Out: loggedOut{}}},
		{Method: "GET", Path: "/api/v1/me", Roles: Anyone, Kind: JSON, Summary: "Who is logged in", Handler: d.me, Enrolment: true,
			Doc: &Doc{Out: sessionInfo{}, Example: exampleSession}},
		{Method: "POST", Path: "/api/v1/account/totp", Roles: Anyone, Kind: JSON, Summary: "Start setting up a second factor: the secret for an authenticator app", Handler: d.beginTOTP, InPerson: true, Enrolment: true,
			Doc: &Doc{Body: emptyRequest{}, Out: totpSetup{}, Errors: []error{auth.ErrTOTPOn}}},
		{Method: "POST", Path: "/api/v1/account/totp/confirm", Roles: Anyone, Kind: JSON, Summary: "Turn the second factor on with a code from the app", Handler: d.confirmTOTP, InPerson: true, Enrolment: true,
			Doc: &Doc{Body: codeRequest{}, Out: totpState{}, Errors: []error{auth.ErrBadCode, auth.ErrNoEnrolment, auth.ErrTOTPOn}}},

		{Method: "POST", Path: "/api/v1/search", Roles: Casework, Kind: JSON, Summary: "Rank individuals for a photo (outside a case): the photo as the body, or as the multipart field photo", Handler: d.search, MaxBody: UploadBody,
			Doc: &Doc{Params: searchParams{}, Form: photoForm{}, RawBody: "image/*", Out: search.Result{}, Example: exampleSearch, Errors: searchErrors}},

		{Method: "GET", Path: "/api/v1/cases", Roles: Casework, Kind: JSON, Summary: "List the cases you are a member of", Handler: d.listCases,
			Doc: &Doc{Out: []caseSummary{}, Example: []caseSummary{exampleSummary}}},
		{Method: "POST", Path: "/api/v1/cases", Roles: Caseworker, Kind: JSON, Summary: "Open a case", Handler: d.createCase,
			Doc: &Doc{Body: cases.Fields{}, Status: http.StatusCreated, Out: cases.Case{}, Example: exampleCase, Errors: []error{cases.ErrInvalid}}},
		{Method: "GET", Path: "/api/v1/cases/{id}", Roles: Casework, Kind: JSON, Summary: "A case, with its shortlist (reviewers do not see the family's contact)", Handler: d.getCase,
			Doc: &Doc{Params: caseParams{}, Out: cases.Case{}, Example: exampleCase, Errors: caseRead}},
		{Method: "PUT", Path: "/api/v1/cases/{id}", Roles: Caseworker, Kind: JSON, Summary: "Change a case's details", Handler: d.updateCase,
			Doc: &Doc{Params: caseParams{}, Body: cases.Fields{}, Out: cases.Case{}, Example: exampleCase, Errors: caseChange}},
		{Method: "POST", Path: "/api/v1/cases/{id}/status", Roles: Caseworker, Kind: JSON, Summary: "Open or close a case", Handler: d.setStatus,
			Doc: &Doc{Params: caseParams{}, Body: statusRequest{}, Out: cases.Case{}, Example: exampleCase, Errors: caseChange}},
		{Method: "POST", Path: "/api/v1/cases/{id}/members", Roles: Caseworker, Kind: JSON, Summary: "Share a case with a caseworker or a reviewer", Handler: d.share,
			Doc: &Doc{Params: caseParams{}, Body: shareRequest{}, Out: cases.Case{}, Example: exampleCase, Errors: memberChange}},
		{Method: "DELETE", Path: "/api/v1/cases/{id}/members/{name}", Roles: Caseworker, Kind: JSON, Summary: "Stop sharing a case with someone", Handler: d.unshare,
			Doc: &Doc{Params: memberParams{}, Out: cases.Case{}, Example: exampleCase, Errors: caseChange}},
		{Method: "POST", Path: "/api/v1/cases/{id}/owner", Roles: Caseworker, Kind: JSON, Summary: "Reassign a case to another caseworker", Handler: d.reassign,
			Doc: &Doc{Params: caseParams{}, Body: reassignRequest{}, Out: cases.Case{}, Example: exampleCase, Errors: memberChange}},
		{Method: "POST", Path: "/api/v1/cases/{id}/references", Roles: Caseworker, Kind: JSON, Summary: "Add a reference photo (multipart: photo, face, child, old)", Handler: d.addReference, MaxBody: UploadBody,
			Doc: &Doc{Params: caseParams{}, Form: referenceForm{}, Out: cases.Case{}, Example: exampleCase, Errors: referenceErrors}},
		{Method: "POST", Path: "/api/v1/cases/{id}/references/{ref}/remove", Roles: Caseworker, Kind: JSON, Summary: "Remove a reference photo added by mistake, with a reason (the photo is deleted, the shortlist made again)", Handler: d.removeReference,
			Doc: &Doc{Params: referenceParams{}, Body: reasonRequest{}, Out: cases.Case{}, Example: exampleCase, Errors: reasonChange}},
		{Method: "GET", Path: "/api/v1/cases/{id}/references/{ref}/photo", Roles: Casework, Kind: Image, Summary: "A reference photo", Handler: d.referencePhoto,
			Doc: &Doc{Params: referenceParams{}, OutType: "image/*", Errors: caseRead}},
		{Method: "POST", Path: "/api/v1/cases/{id}/match", Roles: Casework, Kind: JSON, Summary: "Match the case against the archive: its shortlist", Handler: d.matchCase,
			Doc: &Doc{Params: caseParams{}, Body: emptyRequest{}, Out: cases.Case{}, Example: exampleCase, Errors: caseChange}},
		{Method: "POST", Path: "/api/v1/cases/{id}/candidates/{individual}/decision", Roles: Reviewer, Kind: JSON, Summary: "A reviewer's verdict: possible, excluded or identified, with a reason", Handler: d.decide,
			Doc: &Doc{Params: candidateParams{}, Body: decisionRequest{}, Out: cases.Case{}, Example: exampleCase, Errors: decisionErrors}},
		{Method: "POST", Path: "/api/v1/cases/{id}/none-of-these", Roles: Reviewer, Kind: JSON, Summary: "A reviewer's word on the whole shortlist: none of these is the person, with a reason (the case stays under standing search)", Handler: d.noneOfThese,
			Doc: &Doc{Params: caseParams{}, Body: reasonRequest{}, Out: cases.Case{}, Example: exampleCase, Errors: reasonChange}},
		{Method: "GET", Path: "/api/v1/cases/{id}/candidates/{individual}/crop", Roles: Casework, Kind: Image, Summary: "A candidate's face crop: blurred unless reveal=1; grey=1 for greyscale", Handler: d.crop,
			Doc: &Doc{Params: cropParams{}, OutType: "image/jpeg", Errors: cropErrors}},
		{Method: "GET", Path: "/api/v1/cases/{id}/candidates/{individual}/photo", Roles: Casework, Kind: Image, Summary: "A candidate's full photo, on explicit request", Handler: d.fullPhoto,
			Doc: &Doc{Params: candidateParams{}, OutType: "image/*", Errors: candidateRead}},
		{Method: "GET", Path: "/api/v1/cases/{id}/candidates/{individual}", Roles: Casework, Kind: JSON, Summary: "A candidate as a reviewer examines it: every photo of the individual, with its number, source, branch, date, paths, SHA-256 and faces (the matched one marked)", Handler: d.individual,
			Doc: &Doc{Params: candidateParams{}, Out: cases.IndividualView{}, Errors: candidateRead}},
		{Method: "GET", Path: "/api/v1/cases/{id}/candidates/{individual}/photos/{sha}/faces/{face}/crop", Roles: Casework, Kind: Image, Summary: "The crop of one face of one of a candidate's photos: blurred unless reveal=1; grey=1 for greyscale", Handler: d.faceCrop,
			Doc: &Doc{Params: faceCropParams{}, OutType: "image/jpeg", Errors: append(slices.Clone(cropErrors), cases.ErrInvalid)}},
		{Method: "GET", Path: "/api/v1/cases/{id}/candidates/{individual}/photos/{sha}", Roles: Casework, Kind: Image, Summary: "One of a candidate's original photos, on explicit request", Handler: d.photoOf,
			Doc: &Doc{Params: photoOfParams{}, OutType: "image/*", Errors: candidateRead}},
		{Method: "GET", Path: "/api/v1/cases/{id}/shown", Roles: Casework, Kind: JSON, Summary: "The distinct images you were shown in this case", Handler: d.shown,
			Doc: &Doc{Params: caseParams{}, Out: cases.Shown{}, Errors: caseRead}},
		{Method: "GET", Path: "/api/v1/cases/{id}/family", Roles: Caseworker, Kind: JSON, Summary: "Family viewing: only candidates a reviewer marked possible", Handler: d.family,
			Doc: &Doc{Params: caseParams{}, Out: cases.FamilyView{}, Example: exampleFamily, Errors: caseRead}},
		{Method: "GET", Path: "/api/v1/cases/{id}/export", Roles: Reviewer, Kind: Other, Summary: "Evidence export (zip) for an identified candidate", Handler: d.export,
			Doc: &Doc{Params: caseParams{}, OutType: "application/zip", Errors: exportErrors}},

		{Method: "POST", Path: "/api/v1/ingest", Roles: Ingest, Kind: JSON, Summary: "Start an ingest job: a zip, tar or tar.gz stream as the body, or photos as multipart/form-data; source=NAME (query or first form field). Photos already in the archive count as done before. 201 with the job", Handler: d.startIngest, MaxBody: IngestBody, Stream: true,
			Doc: &Doc{Params: ingestParams{}, RawBody: "application/zip", Form: ingestForm{}, Status: http.StatusCreated, Out: ingestjobs.Job{}, Errors: ingestErrors}},
		{Method: "GET", Path: "/api/v1/ingest", Roles: IngestRead, Kind: JSON, Summary: "Running and recent ingest jobs (yours; every job for admins)", Handler: d.listIngest,
			Doc: &Doc{Out: ingestList{}}},
		{Method: "GET", Path: "/api/v1/ingest/{job}", Roles: IngestRead, Kind: JSON, Summary: "An ingest job: its state, counts and failures with their reasons", Handler: d.getIngest,
			Doc: &Doc{Params: jobParams{}, Out: ingestjobs.Job{}, Errors: []error{ingestjobs.ErrNotFound}}},

		{Method: "GET", Path: "/api/v1/users", Roles: Admin, Kind: JSON, Summary: "List accounts", Handler: d.listUsers,
			Doc: &Doc{Out: []userView{}, Example: []userView{exampleUser}, Errors: []error{auth.ErrForbidden}}},
		{Method: "POST", Path: "/api/v1/users", Roles: Admin, Kind: JSON, Summary: "Add an account", Handler: d.addUser, InPerson: true,
			Doc: &Doc{Body: addUserRequest{}, Status: http.StatusCreated, Out: userView{}, Example: exampleUser, Errors: []error{auth.ErrForbidden, auth.ErrUserExists, auth.ErrWeakPassword, auth.ErrInvalidName, auth.ErrBadRole}}},
		{Method: "POST", Path: "/api/v1/users/{name}/disabled", Roles: Admin, Kind: JSON, Summary: "Disable or enable an account (disabling revokes its tokens)", Handler: d.setDisabled, InPerson: true,
			Doc: &Doc{Params: userParams{}, Body: disabledRequest{}, Out: disabledState{}, Errors: userChange}},
		{Method: "POST", Path: "/api/v1/users/{name}/unlock", Roles: Admin, Kind: JSON, Summary: "Lift a lockout after failed logins", Handler: d.unlock, InPerson: true,
			Doc: &Doc{Params: userParams{}, Body: emptyRequest{}, Out: unlocked{}, Errors: userChange}},
		{Method: "POST", Path: "/api/v1/users/{name}/totp/reset", Roles: Admin, Kind: JSON, Summary: "Turn a user's second factor off (a lost phone)", Handler: d.resetTOTP, InPerson: true,
			Doc: &Doc{Params: userParams{}, Body: emptyRequest{}, Out: totpState{}, Errors: userChange}},
		{Method: "GET", Path: "/api/v1/tokens", Roles: Anyone, Kind: JSON, Summary: "List API tokens: every token for admins, your own for others", Handler: d.listTokens,
			Doc: &Doc{Out: []auth.Token{}, Example: []auth.Token{exampleToken}}},
		{Method: "POST", Path: "/api/v1/tokens", Roles: Anyone, Kind: JSON, Summary: "Create an API token acting for you, with your role (needs a session)", Handler: d.createToken, InPerson: true,
			Doc: &Doc{Body: tokenRequest{}, Status: http.StatusCreated, Out: newToken{}, Example: exampleNewToken, Errors: []error{auth.ErrForbidden, auth.ErrInvalidToken}}},
		{Method: "DELETE", Path: "/api/v1/tokens/{id}", Roles: Anyone, Kind: JSON, Summary: "Revoke an API token (yours, or any for admins)", Handler: d.revokeToken, InPerson: true,
			Doc: &Doc{Params: tokenParams{}, Out: revokedToken{}, Errors: []error{auth.ErrForbidden, auth.ErrNoToken}}},
		{Method: "GET", Path: "/api/v1/audit/verify", Roles: Admin, Kind: JSON, Summary: "Verify the audit trail's hash chain", Handler: d.verifyAudit,
			Doc: &Doc{Out: audit.Report{}}},
	}
}

// The errors routes' services answer with (Doc.Errors), by what the route
// does.
var (
	loginErrors     = []error{auth.ErrBadCredentials, ErrTooManyLogins, ErrMediaType}
	photoErrors     = []error{imgfile.ErrNotImage, imgfile.ErrTruncated, imgfile.ErrTooSmall, imgfile.ErrTooLarge, imgfile.ErrCorrupt, imgfile.ErrEmpty}
	searchErrors    = append([]error{search.ErrNoFace, search.ErrNoSuchFace, vector.ErrBadQuery}, photoErrors...)
	caseRead        = []error{cases.ErrNotFound}
	candidateRead   = []error{cases.ErrNotFound, cases.ErrNoCandidate}
	cropErrors      = append(slices.Clone(candidateRead), photoErrors...) // a stored crop that cannot be read
	caseChange      = []error{cases.ErrNotFound, cases.ErrInvalid, cases.ErrClosed, cases.ErrConflict}
	memberChange    = append(slices.Clone(caseChange), cases.ErrNoAccount)
	referenceErrors = append(append(slices.Clone(caseChange), cases.ErrPickFace, cases.ErrNoFace), photoErrors...)
	decisionErrors  = append(slices.Clone(caseChange), cases.ErrNoCandidate, cases.ErrNoVerdict, cases.ErrNoReason, cases.ErrNotPossible, cases.ErrFourEyes)
	reasonChange    = append(slices.Clone(caseChange), cases.ErrNoReason)
	exportErrors    = []error{cases.ErrNotFound, cases.ErrNotIdentified}
	userChange      = []error{auth.ErrForbidden, auth.ErrNoUser}
)
