package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/casework"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/goimg"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/pipelinetest"
	"github.com/facetriage/facetriage/internal/web"
)

const password = "correct horse battery staple"

// world is a running API with an archive, accounts of every role, and a
// case with a shortlist, so that every route's parameters exist.
type world struct {
	srv      *httptest.Server
	d        *api.Deps
	params   map[string]string
	sessions map[auth.Role]auth.Session
	tokens   map[auth.Role]string
	// outsiders are accounts that are not members of the case.
	outsiders map[auth.Role]who
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	rig := pipelinetest.Start(t, nil)
	dir := t.TempDir()
	for p := 1; p <= 4; p++ {
		pipelinetest.Write(t, dir+"/p"+string(rune('0'+p))+".png", facetest.Photo(facetest.Spec{Person: uint8(p)}))
	}
	rig.Ingest(t, ingest.Options{Paths: []string{dir}})
	uploads := t.TempDir()
	d := rig.Casework(t, func(p *casework.Parts) { p.UploadDir = uploads })
	d.Cases.Blur = goimg.Obscure
	as, cs := d.Auth, d.Cases
	var err error
	w := &world{d: d, sessions: map[auth.Role]auth.Session{}, tokens: map[auth.Role]string{},
		outsiders: map[auth.Role]who{}}
	for _, r := range auth.Roles {
		if err := as.AddUser(ctx, string(r)+"-user", r, password); err != nil {
			t.Fatal(err)
		}
		if w.sessions[r], err = as.Login(ctx, string(r)+"-user", password, ""); err != nil {
			t.Fatal(err)
		}
		if w.tokens[r], _, err = as.CreateToken(ctx, string(r)+"-user", "matrix-"+string(r), 0); err != nil {
			t.Fatal(err)
		}
	}
	// A second caseworker and a reviewer not assigned to the case.
	for _, r := range []auth.Role{auth.RoleCaseworker, auth.RoleReviewer} {
		name := "other-" + string(r)
		if err := as.AddUser(ctx, name, r, password); err != nil {
			t.Fatal(err)
		}
		sess, err := as.Login(ctx, name, password, "")
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := as.CreateToken(ctx, name, "outsider", 0)
		if err != nil {
			t.Fatal(err)
		}
		w.outsiders[r] = who{name: name, role: r, session: &sess, token: tok}
	}
	as.AddUser(ctx, "victim", auth.RoleCaseworker, password)
	_, victimToken, _ := as.CreateToken(ctx, "victim", "victim", 0)
	a := auth.Actor{Name: "caseworker-user", Role: auth.RoleCaseworker, Via: auth.ViaSession}
	c, err := cs.Create(ctx, a, cases.Fields{Name: "A missing man", Contact: "his brother, +963 000"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = cs.Share(ctx, a, c.ID, "reviewer-user", auth.RoleReviewer); err != nil {
		t.Fatal(err)
	}
	if c, err = cs.AddReference(ctx, a, c.ID, facetest.Photo(facetest.Spec{Person: 2, Variant: 7}), -1, false, false); err != nil {
		t.Fatal(err)
	}
	if c, err = cs.Match(ctx, a, c.ID); err != nil {
		t.Fatal(err)
	}
	w.params = map[string]string{"id": c.ID, "individual": c.Candidates[0].Individual, "ref": c.References[0].ID,
		"name": "victim", "pending": "nothing-pending", "sha": c.Candidates[0].Photo, "face": strconv.Itoa(c.Candidates[0].Face),
		"job": "nothing"}
	w.srv = httptest.NewServer(d.Handler(web.LoginPath, d.Routes(), web.Routes(d)))
	t.Cleanup(w.srv.Close)
	w.params["token"] = victimToken.ID
	return w
}

// path fills a route's parameters ({id} of the tokens route is a token).
func (w *world) path(rt api.Route) string {
	p := rt.Path
	for k, v := range w.params {
		if k == "id" && strings.HasPrefix(rt.Path, "/api/v1/tokens/") || k == "token" {
			v = w.params["token"]
		}
		p = strings.ReplaceAll(p, "{"+k+"}", url.PathEscape(v))
	}
	return p
}

type who struct {
	name    string
	role    auth.Role
	session *auth.Session
	token   string
}

func (w *world) do(t *testing.T, rt api.Route, as who) int {
	code, _ := w.doBody(t, rt, as)
	return code
}

func (w *world) doBody(t *testing.T, rt api.Route, as who) (int, string) {
	t.Helper()
	body := io.Reader(strings.NewReader("{}"))
	req, _ := http.NewRequest(rt.Method, w.srv.URL+w.path(rt), body)
	req.Header.Set("Content-Type", "application/json")
	if as.session != nil {
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: as.session.ID})
		req.Header.Set(auth.CSRFHeader, as.session.CSRF)
	}
	if as.token != "" {
		req.Header.Set("Authorization", "Bearer "+as.token)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(b)
}

// TestPermissionMatrix walks every route — API, pages and images — with
// every role (the ingest role of batch jobs included), by session and by
// token, and with no identity at all.
func TestPermissionMatrix(t *testing.T) {
	w := newWorld(t)
	routes := append(w.d.Routes(), web.Routes(w.d)...)
	if len(routes) < 40 {
		t.Fatalf("only %d routes: the matrix is incomplete", len(routes))
	}
	ctx := context.Background()
	for _, rt := range routes {
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			code, body := w.doBody(t, rt, who{name: "nobody"})
			switch {
			case rt.Public && (code == 403 || code == 401 && strings.Contains(body, `"unauthenticated"`)):
				t.Errorf("public route refused an anonymous request: %d %.300s", code, body)
			case !rt.Public && rt.Kind == api.Page && code != http.StatusSeeOther:
				t.Errorf("anonymous page request: %d, want a redirect to the login page", code)
			case !rt.Public && rt.Kind != api.Page && code != 401:
				t.Errorf("anonymous request: %d, want 401", code)
			}
			if rt.Public {
				return
			}
			for _, role := range auth.Roles {
				sess := w.sessions[role]
				if strings.HasSuffix(rt.Path, "/logout") { // it would end the shared session
					s, err := w.d.Auth.Login(ctx, string(role)+"-user", password, "")
					if err != nil {
						t.Fatal(err)
					}
					sess = s
				}
				for _, as := range []who{{name: "session", role: role, session: &sess}, {name: "token", role: role, token: w.tokens[role]}} {
					code := w.do(t, rt, as)
					allowed := slices.Contains(rt.Roles, role) && !(rt.InPerson && as.token != "")
					if allowed && (code == 401 || code == 403) {
						t.Errorf("%s by %s: %d, but the role is allowed", role, as.name, code)
					}
					if !allowed && code != 403 {
						t.Errorf("%s by %s: %d, want 403", role, as.name, code)
					}
				}
			}
		})
	}
}

// caseRoute reports whether a route reaches one case.
func caseRoute(rt api.Route) bool {
	return strings.HasPrefix(rt.Path, "/api/v1/cases/{id}") || strings.HasPrefix(rt.Path, "/cases/{id}")
}

// TestCaseMembership walks every route of a case — API, pages and images
// — as a caseworker who does not work it and a reviewer not assigned to
// it, by session and by token: where their role may use the route, the
// case does not exist for them (404); where it may not, the role is
// refused (403). Nothing of the case changes, and after sharing, the
// reviewer sees it.
func TestCaseMembership(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	owner := auth.Actor{Name: "caseworker-user", Role: auth.RoleCaseworker, Via: auth.ViaSession}
	before, err := w.d.Cases.Get(ctx, owner, w.params["id"])
	if err != nil {
		t.Fatal(err)
	}
	routes := append(w.d.Routes(), web.Routes(w.d)...)
	n := 0
	for _, rt := range routes {
		if !caseRoute(rt) {
			continue
		}
		n++
		for _, o := range w.outsiders {
			for _, as := range []who{{name: o.name + " session", session: o.session}, {name: o.name + " token", token: o.token}} {
				code, body := w.doBody(t, rt, as)
				want := http.StatusNotFound
				if !slices.Contains(rt.Roles, o.role) {
					want = http.StatusForbidden
				}
				if code != want {
					t.Errorf("%s %s by %s: %d, want %d: %.200s", rt.Method, rt.Path, as.name, code, want, body)
				}
				if strings.Contains(body, "A missing man") || strings.Contains(body, "+963") {
					t.Errorf("%s %s by %s: the answer shows the case", rt.Method, rt.Path, as.name)
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d routes reach a case: the walk is incomplete", n)
	}
	after, err := w.d.Cases.Get(ctx, owner, w.params["id"])
	if err != nil {
		t.Fatal(err)
	}
	if !after.Updated.Equal(before.Updated) || len(after.Members) != len(before.Members) || after.Status != before.Status {
		t.Fatalf("outsiders changed the case: %+v", after)
	}
	if sh, _ := w.d.Cases.Shown(ctx, auth.Actor{Name: "other-reviewer", Role: auth.RoleReviewer}, w.params["id"]); sh != (cases.Shown{}) {
		t.Fatalf("an outsider was shown %+v", sh)
	}

	// Shared with the other reviewer, the case and its images open to
	// them, and the audit trail says who shared it with whom.
	rv := w.outsiders[auth.RoleReviewer]
	share := api.Route{Method: "POST", Path: "/api/v1/cases/{id}/members"}
	req, _ := http.NewRequest("POST", w.srv.URL+w.path(share), strings.NewReader(`{"name":"other-reviewer","role":"reviewer"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+w.tokens[auth.RoleCaseworker])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sharing: %d", resp.StatusCode)
	}
	for _, path := range []string{"/api/v1/cases/{id}", "/api/v1/cases/{id}/candidates/{individual}/crop?reveal=1", "/api/v1/cases/{id}/references/{ref}/photo"} {
		code, body := w.doBody(t, api.Route{Method: "GET", Path: path}, who{name: "shared", token: rv.token})
		if code != http.StatusOK {
			t.Errorf("GET %s after sharing: %d", path, code)
		}
		if strings.Contains(body, "+963") {
			t.Errorf("GET %s: the reviewer sees the family's contact", path)
		}
	}
	events, err := w.d.Audit.ForCase(ctx, w.params["id"])
	if err != nil {
		t.Fatal(err)
	}
	e := events[len(events)-1]
	for _, x := range events {
		if x.Action == "case_share" && x.Detail["member"] == "other-reviewer" {
			e = x
		}
	}
	if e.Action != "case_share" || e.Detail["member"] != "other-reviewer" || e.Detail["user"] != "caseworker-user" || !strings.HasPrefix(e.Actor, "token:") {
		t.Fatalf("the share's record: %s by %s %v; want caseworker-user's token sharing with other-reviewer", e.Action, e.Actor, e.Detail)
	}
}

// TestCSRF: a cookie session's unsafe request without its CSRF token is
// refused, and the refusal is audited.
func TestCSRF(t *testing.T) {
	w := newWorld(t)
	sess := w.sessions[auth.RoleCaseworker]
	req, _ := http.NewRequest("POST", w.srv.URL+"/api/v1/cases", strings.NewReader(`{"name":"x"}`))
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: sess.ID})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("POST without CSRF token: %d, want 403", resp.StatusCode)
	}
	var denied bool
	w.d.Audit.Read(context.Background(), 1, func(e audit.Event) error {
		denied = denied || (e.Action == "denied" && e.Detail["why"] == "csrf")
		return nil
	})
	if !denied {
		t.Error("the refused request is not in the audit trail")
	}
}

// TestOpenAPIDocumentsEveryRoute: /api/openapi.json lists every non-page
// route with its roles.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	w := newWorld(t)
	resp, err := http.Get(w.srv.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	doc := string(b)
	for _, rt := range w.d.Routes() {
		if !strings.Contains(doc, `"`+rt.Path+`"`) {
			t.Errorf("%s %s missing from the OpenAPI document", rt.Method, rt.Path)
		}
	}
	if !strings.Contains(doc, `"openapi":"3.1.0"`) || !strings.Contains(doc, `"x-roles"`) {
		t.Error("not an OpenAPI 3.1 document with roles")
	}
}

// TestLoginThrottle: one address gets a burst of ten login attempts, then
// is throttled; the account itself locks after five wrong passwords, which
// the answers do not tell from a wrong password.
func TestLoginThrottle(t *testing.T) {
	w := newWorld(t)
	// The attempts go out together: the limiter decides as each arrives,
	// before the password is hashed, so a slow machine hashing them one
	// after another cannot refill the burst meanwhile.
	kinds := make([]string, 14)
	var wg sync.WaitGroup
	for i := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(w.srv.URL+"/api/v1/login", "application/json", strings.NewReader(`{"name":"caseworker-user","password":"wrong password!"}`))
			if err != nil {
				t.Error(err)
				return
			}
			var e struct{ Kind string }
			json.NewDecoder(resp.Body).Decode(&e)
			resp.Body.Close()
			kinds[i] = e.Kind
		}()
	}
	wg.Wait()
	// A locked account answers as a wrong password does.
	count := map[string]int{}
	for _, k := range kinds {
		count[k]++
	}
	if count["bad_credentials"] != 10 || count["throttled"] != 4 {
		t.Fatalf("answers %v: want 10 bad_credentials and 4 throttled", count)
	}
}
