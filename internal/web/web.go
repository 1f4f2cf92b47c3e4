package web

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/match"
)

// tokenList is what the tokens template gets: the tokens, and where their
// revoke forms post ({Action}{id}/revoke).
type tokenList struct {
	V      *view
	Tokens []auth.Token
	Action string
}

// LoginPath is the login page, where the permission wrapper sends a
// browser that is not logged in.
const LoginPath = "/login"

var (
	//go:embed templates/*.html
	templateFS embed.FS
	//go:embed static/style.css
	styleCSS []byte
)

// pageNames are the page templates; each is parsed with layout.html.
var pageNames = []string{"login", "cases", "case_new", "case", "pick", "photo", "individual", "photo_of", "family_warning", "family", "admin", "audit", "account", "error", "ingest"}

// ui holds what the pages need.
type ui struct {
	d       *api.Deps
	pages   map[string]*template.Template
	msgs    catalogues
	pending *pendingStore
	now     func() time.Time
}

func newUI(d *api.Deps) (*ui, error) {
	msgs, err := loadCatalogues()
	if err != nil {
		return nil, err
	}
	u := &ui{d: d, msgs: msgs, pending: newPendingStore(30*time.Minute, 32), pages: map[string]*template.Template{},
		now: func() time.Time { return time.Now().UTC() }}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/tokens.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		u.pages[name] = t
	}
	return u, nil
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"day": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	},
	"distance": func(d float64) string { return fmt.Sprintf("%.3f", d) },
	"locked":   func(u auth.User) bool { return time.Now().Before(u.LockedUntil) },
	"expired":  func(t auth.Token) bool { return !time.Now().Before(t.Expires) },
	"tokensOf": func(v *view, ts []auth.Token, action string) tokenList {
		return tokenList{V: v, Tokens: ts, Action: action}
	},
	"anchorOf": anchor,
	"wrap":     wrapLong,
	"cand":     candContext,
	"oneIn":    func(s match.Strength) string { return match.Thousands(match.Default().OneIn(s)) },
}

// Routes are the web UI's part of the permission matrix:
//
//	admin:      accounts and every API token (no case, no image)
//	caseworker: cases, reference photos, shortlists, family viewing, sharing
//	reviewer:   cases (read), shortlists, decisions
//	everyone:   their own API tokens
//
// It panics if the embedded templates or catalogues are broken: a build
// defect, which the package's tests catch.
func Routes(d *api.Deps) []api.Route {
	u, err := newUI(d)
	if err != nil {
		panic(err) // the embedded templates or catalogues are broken: a build defect, caught by tests
	}
	d.PageError, d.EnrolPath = u.pageError, "/account"
	return u.routes()
}

func serveStyle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	_, _ = w.Write(styleCSS)
}

func (u *ui) routes() []api.Route {
	return []api.Route{
		{Method: "GET", Path: "/favicon.ico", Public: true, Kind: api.Other, Summary: "No icon (browsers ask for one)", Handler: http.NotFound},
		{Method: "GET", Path: "/static/style.css", Public: true, Kind: api.Other, Summary: "The UI's style sheet", Handler: serveStyle},
		{Method: "GET", Path: "/", Roles: api.Anyone, Kind: api.Page, Summary: "Home: the admin page or the cases (any other path: not found)", Handler: u.home},
		{Method: "GET", Path: LoginPath, Public: true, Kind: api.Page, Summary: "The login form", Handler: u.loginPage},
		{Method: "POST", Path: LoginPath, Public: true, Kind: api.Page, Summary: "Log in", Handler: u.loginPost},
		{Method: "POST", Path: "/logout", Roles: api.Anyone, Kind: api.Page, Summary: "Log out", Handler: u.logoutPost, Enrolment: true},

		{Method: "GET", Path: "/cases", Roles: api.Casework, Kind: api.Page, Summary: "The cases", Handler: u.casesPage},
		{Method: "GET", Path: "/cases/new", Roles: api.Caseworker, Kind: api.Page, Summary: "The form to open a case", Handler: u.newCasePage},
		{Method: "POST", Path: "/cases", Roles: api.Caseworker, Kind: api.Page, Summary: "Open a case", Handler: u.createCase},
		{Method: "GET", Path: "/cases/{id}", Roles: api.Casework, Kind: api.Page, Summary: "A case and its shortlist", Handler: u.casePage},
		{Method: "POST", Path: "/cases/{id}/references", Roles: api.Caseworker, Kind: api.Page, Summary: "Add a reference photo", Handler: u.addReference, MaxBody: api.UploadBody},
		{Method: "POST", Path: "/cases/{id}/references/{ref}/remove", Roles: api.Caseworker, Kind: api.Page, Summary: "Remove a reference photo added by mistake", Handler: u.removeReference},
		{Method: "GET", Path: "/cases/{id}/edit", Roles: api.Caseworker, Kind: api.Page, Summary: "The form to change a case's details", Handler: u.editCasePage},
		{Method: "POST", Path: "/cases/{id}/edit", Roles: api.Caseworker, Kind: api.Page, Summary: "Change a case's details", Handler: u.editCase},
		{Method: "POST", Path: "/cases/{id}/status", Roles: api.Caseworker, Kind: api.Page, Summary: "Close or reopen a case", Handler: u.statusPost},
		{Method: "GET", Path: "/cases/{id}/faces/{pending}", Roles: api.Caseworker, Kind: api.Page, Summary: "Choose the face in a reference photo with several", Handler: u.pickPage},
		{Method: "GET", Path: "/cases/{id}/faces/{pending}/photo", Roles: api.Caseworker, Kind: api.Image, Summary: "The reference photo awaiting a face choice (its uploader only)", Handler: u.pendingPhoto},
		{Method: "POST", Path: "/cases/{id}/faces/{pending}", Roles: api.Caseworker, Kind: api.Page, Summary: "Choose the face", Handler: u.pickPost},
		{Method: "POST", Path: "/cases/{id}/match", Roles: api.Casework, Kind: api.Page, Summary: "Match the case against the archive", Handler: u.matchPost},
		{Method: "POST", Path: "/cases/{id}/none-of-these", Roles: api.Reviewer, Kind: api.Page, Summary: "Close the shortlist as none of these", Handler: u.nonePost},
		{Method: "POST", Path: "/cases/{id}/candidates/{individual}/decision", Roles: api.Reviewer, Kind: api.Page, Summary: "Record a reviewer's decision", Handler: u.decidePost},
		{Method: "GET", Path: "/cases/{id}/candidates/{individual}/photo-page", Roles: api.Casework, Kind: api.Page, Summary: "A candidate's full photo, after a warning", Handler: u.photoPage},
		{Method: "GET", Path: "/cases/{id}/candidates/{individual}", Roles: api.Casework, Kind: api.Page, Summary: "A candidate's photos, crops first, blurred", Handler: u.individualPage},
		{Method: "GET", Path: "/cases/{id}/candidates/{individual}/photos/{sha}", Roles: api.Casework, Kind: api.Page, Summary: "One of a candidate's full photos, after a warning, the matched face boxed", Handler: u.photoOfPage},
		{Method: "GET", Path: "/cases/{id}/family", Roles: api.Caseworker, Kind: api.Page, Summary: "Family viewing: only candidates a reviewer marked possible", Handler: u.familyPage},

		{Method: "POST", Path: "/cases/{id}/members", Roles: api.Caseworker, Kind: api.Page, Summary: "Share the case, stop sharing it, or reassign it", Handler: u.membersPost},

		{Method: "GET", Path: "/account", Roles: api.Anyone, Kind: api.Page, Summary: "Your account: second factor and API tokens", Handler: u.accountPage, Enrolment: true},
		{Method: "POST", Path: "/account/totp", Roles: api.Anyone, Kind: api.Page, Summary: "Start setting up a second factor", Handler: u.beginTOTP, InPerson: true, Enrolment: true},
		{Method: "GET", Path: "/account/totp/qr.png", Roles: api.Anyone, Kind: api.Image, Summary: "The QR code of the second factor being set up", Handler: u.totpQR, InPerson: true, Enrolment: true},
		{Method: "POST", Path: "/account/totp/confirm", Roles: api.Anyone, Kind: api.Page, Summary: "Turn the second factor on", Handler: u.confirmTOTP, InPerson: true, Enrolment: true},
		{Method: "POST", Path: "/account/tokens", Roles: api.Anyone, Kind: api.Page, Summary: "Create an API token acting for you", Handler: u.createToken, InPerson: true},
		{Method: "POST", Path: "/account/tokens/{token}/revoke", Roles: api.Anyone, Kind: api.Page, Summary: "Revoke one of your API tokens", Handler: u.revokeToken, InPerson: true},

		{Method: "GET", Path: "/admin", Roles: api.Admin, Kind: api.Page, Summary: "Accounts and API tokens", Handler: u.adminPage},
		{Method: "GET", Path: "/admin/audit", Roles: api.Admin, Kind: api.Page, Summary: "Check the audit trail", Handler: u.auditPage},
		{Method: "GET", Path: "/admin/ingest", Roles: api.Admin, Kind: api.Page, Summary: "Ingest: running and recent jobs, each stage's queue, failures by kind", Handler: u.ingestPage},
		{Method: "POST", Path: "/admin/users", Roles: api.Admin, Kind: api.Page, Summary: "Add an account", Handler: u.addUser, InPerson: true},
		{Method: "POST", Path: "/admin/users/{name}", Roles: api.Admin, Kind: api.Page, Summary: "Disable, enable or unlock an account, or reset its second factor", Handler: u.userPost, InPerson: true},
		{Method: "POST", Path: "/admin/tokens/{token}/revoke", Roles: api.Admin, Kind: api.Page, Summary: "Revoke any API token", Handler: u.adminRevoke, InPerson: true},
	}
}
