package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/pipelinetest"
	"github.com/facetriage/facetriage/internal/web"
)

const password = "correct horse battery staple"

// world is the API and the UI on a real embedded JetStream, with an
// archive ingested by the real pipeline and the fake face engine, an
// account of each role, and a case matched against the archive.
type world struct {
	srv     *httptest.Server
	d       *api.Deps
	rig     *pipelinetest.Rig
	archive string // the archive's folder (no page may show it to a family)
	caseID  string
}

var quiet = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	rig := pipelinetest.Start(t, nil)
	dir := t.TempDir()
	for p := 1; p <= 6; p++ {
		pipelinetest.Write(t, filepath.Join(dir, fmt.Sprintf("p%d.png", p)), facetest.Photo(facetest.Spec{Person: uint8(p)}))
	}
	// Person 7's photos carry a detainee number: one individual, whose key
	// ("caesar/215/4321") holds slashes.
	for v := 0; v < 2; v++ {
		pipelinetest.Write(t, filepath.Join(dir, fmt.Sprintf("215_4321_Ahmad_2013-05-1%d.png", v)), facetest.Photo(facetest.Spec{Person: 7, Variant: uint8(v)}))
	}
	rig.Ingest(t, ingest.Options{Paths: []string{dir}, Source: "caesar"})
	d := rig.Casework(t)
	as, cs := d.Auth, d.Cases
	for _, u := range []struct {
		name string
		role auth.Role
	}{{"admin", auth.RoleAdmin}, {"cw", auth.RoleCaseworker}, {"rv", auth.RoleReviewer}, {"rv2", auth.RoleReviewer}} {
		if err := as.AddUser(ctx, u.name, u.role, password); err != nil {
			t.Fatal(err)
		}
	}
	a := cases.Actor{Name: "cw", Role: auth.RoleCaseworker, Via: auth.ViaSession}
	c, err := cs.Create(ctx, a, cases.Fields{Name: "Omar <b>Haddad</b>", Contact: "his sister, by phone"})
	if err != nil {
		t.Fatal(err)
	}
	for _, rv := range []string{"rv", "rv2"} {
		if _, err = cs.Share(ctx, a, c.ID, rv, auth.RoleReviewer); err != nil {
			t.Fatal(err)
		}
	}
	if _, err = cs.AddReference(ctx, a, c.ID, facetest.Photo(facetest.Spec{Person: 7, Variant: 9}), -1, false, true); err != nil {
		t.Fatal(err)
	}
	if _, err = cs.Match(ctx, a, c.ID); err != nil {
		t.Fatal(err)
	}
	w := &world{d: d, rig: rig, archive: dir, caseID: c.ID}
	w.srv = httptest.NewServer(d.Handler(web.LoginPath, d.Routes(), web.Routes(d)))
	t.Cleanup(w.srv.Close)
	return w
}

// client is a browser without JavaScript: a cookie jar, no redirects
// followed unless asked.
type client struct {
	t    *testing.T
	w    *world
	http *http.Client
	csrf string
}

var csrfInput = regexp.MustCompile(`<input type="hidden" name="csrf" value="([^"]*)">`)

func (w *world) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, w: w, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login logs in through the login form and learns the session's CSRF token.
func (w *world) login(t *testing.T, name string) *client {
	t.Helper()
	c := w.client(t)
	_, body := c.get(web.LoginPath)
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the login form has no CSRF field:\n%s", body)
	}
	resp := c.post(web.LoginPath, url.Values{"name": {name}, "password": {password}, "csrf": {m[1]}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login as %s: %d to %q", name, resp.StatusCode, resp.Header.Get("Location"))
	}
	code, me := c.get("/api/v1/me")
	var info struct{ CSRF string }
	if err := json.Unmarshal([]byte(me), &info); err != nil || code != 200 || info.CSRF == "" {
		t.Fatalf("/api/v1/me: %d %s", code, me)
	}
	c.csrf = info.CSRF
	return c
}

func (c *client) do(req *http.Request) *http.Response {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp
}

// get returns the status and body of a GET.
func (c *client) get(path string, header ...string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.w.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp := c.do(req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post sends a form (with the session's CSRF token when it has none).
func (c *client) post(path string, form url.Values) *http.Response {
	c.t.Helper()
	if form.Get("csrf") == "" && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.w.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp := c.do(req)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// owner is the world's case's caseworker, as an actor.
var owner = cases.Actor{Name: "cw", Role: auth.RoleCaseworker, Via: auth.ViaSession}

func (w *world) caseOf(t *testing.T) cases.Case {
	t.Helper()
	c, err := w.d.Cases.Get(context.Background(), owner, w.caseID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// shown is what the case's caseworker was shown in it.
func (w *world) shown(t *testing.T) cases.Shown {
	t.Helper()
	sh, err := w.d.Cases.Shown(context.Background(), owner, w.caseID)
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// individuals lists the data-individual attributes of elements with class
// cls, in page order.
func individuals(body, cls string) []string {
	re := regexp.MustCompile(`class="` + cls + `(?: [^"]*)?"[^>]*data-individual="([^"]*)"`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}
