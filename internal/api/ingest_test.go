package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/casework"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/ingestjobs"
	"github.com/facetriage/facetriage/internal/pipelinetest"
	"github.com/facetriage/facetriage/internal/testfile"
	"github.com/facetriage/facetriage/internal/web"
)

// ingestWorld is a server with a pipeline, ingest over HTTP, and an
// account of each role with a token.
type ingestWorld struct {
	srv    *httptest.Server
	d      *api.Deps
	rig    *pipelinetest.Rig
	tokens map[auth.Role]string
	dir    string
}

func newIngestWorld(t *testing.T) *ingestWorld {
	t.Helper()
	ctx := context.Background()
	rig := pipelinetest.Start(t, nil)
	dir := t.TempDir()
	d := rig.Casework(t, func(p *casework.Parts) { p.UploadDir, p.Registry = dir, prometheus.NewRegistry() })
	w := &ingestWorld{d: d, rig: rig, tokens: map[auth.Role]string{}, dir: dir}
	for _, r := range auth.Roles {
		if err := d.Auth.AddUser(ctx, string(r)+"-user", r, password); err != nil {
			t.Fatal(err)
		}
		tok, _, err := d.Auth.CreateToken(ctx, string(r)+"-user", "batch", 0)
		if err != nil {
			t.Fatal(err)
		}
		w.tokens[r] = tok
	}
	w.srv = httptest.NewServer(d.Handler(web.LoginPath, d.Routes(), web.Routes(d)))
	t.Cleanup(w.srv.Close)
	return w
}

type member = testfile.Member

func zipOf(t *testing.T, members ...member) []byte { return testfile.Zip(t, members...) }

// request sends a request with a token and decodes the JSON answer.
func (w *ingestWorld) request(t *testing.T, method, path, token, ctype string, body io.Reader, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, w.srv.URL+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

// waitJob reads a job until it ends.
func (w *ingestWorld) waitJob(t *testing.T, id, token string) ingestjobs.Job {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute) // a safety net, not a timing
	for {
		var j ingestjobs.Job
		if code := w.request(t, "GET", "/api/v1/ingest/"+id, token, "", nil, &j); code != http.StatusOK {
			t.Fatalf("GET job: %d", code)
		}
		if j.Ended() {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s: %+v", id, j.State, j.Counts)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A batch job's token ingests a zip over HTTP: 201 with a job, read to its
// end with every entry counted and each failure's reason; the same zip
// again is all done before; and the same token gets 403 on every route of
// cases, images and search.
func TestIngestAZipOverHTTPWithAnIngestToken(t *testing.T) {
	w := newIngestWorld(t)
	tok := w.tokens[auth.RoleIngest]
	cache := zipOf(t,
		member{Name: "branch-215/1001.png", Data: facetest.Photo(facetest.Spec{Person: 1})},
		member{Name: "branch-215/1002.png", Data: facetest.Photo(facetest.Spec{Person: 2})},
		member{Name: "../../etc/escape.png", Data: facetest.Photo(facetest.Spec{Person: 3})},
		member{Name: "\xc3\xcd\xe3\xcf.png", Data: facetest.Photo(facetest.Spec{Person: 4})},
		member{Name: "notes.jpg", Data: []byte("this is not a photo")},
		member{Name: "inner.zip", Data: []byte("PK")},
	)
	var job ingestjobs.Job
	code := w.request(t, "POST", "/api/v1/ingest?source=caesar", tok, "application/zip", bytes.NewReader(cache), &job)
	if code != http.StatusCreated || job.ID == "" {
		t.Fatalf("POST /api/v1/ingest: %d %+v", code, job)
	}
	done := w.waitJob(t, job.ID, tok)
	c := done.Counts
	if done.State != ingestjobs.StateDone || c.Found != 6 || c.Indexed != 4 || c.Failed != 1 || c.Unreadable != 1 || c.DoneBefore != 0 {
		t.Fatalf("job ended %s with %+v; want done, 6 found, 4 indexed, 1 failed (not a photo), 1 unreadable (nested zip)", done.State, c)
	}
	kinds := map[string]string{}
	for _, f := range done.Failures {
		if f.Reason == "" {
			t.Errorf("failure %+v has no reason", f)
		}
		kinds[f.Path[strings.LastIndex(f.Path, "!")+1:]] = f.Kind
	}
	if kinds["notes.jpg"] != "not_image" || kinds["inner.zip"] != "nested_archive" || len(kinds) != 2 {
		t.Errorf("failures by member %v; want notes.jpg not_image and inner.zip nested_archive", kinds)
	}
	if done.Source != "caesar" || done.Owner != "ingest-user" || done.UploadSHA256 == "" {
		t.Errorf("job %+v", done)
	}
	// The photos lie in the kept upload, and are read back by their paths.
	ctx := context.Background()
	rec, err := w.rig.Catalog.Photo(ctx, sha(facetest.Photo(facetest.Spec{Person: 4})))
	if err != nil || len(rec.Paths) != 1 || !strings.HasPrefix(rec.Paths[0], w.dir) || rec.Source != "caesar" {
		t.Fatalf("the photo with a Windows-1256 name: %+v %v", rec, err)
	}
	if _, err := os.Stat(filepath.Join(w.dir, done.Upload)); err != nil {
		t.Errorf("the upload is not kept: %v", err)
	}

	// The same zip again: every photo is done before, nothing sent again.
	var again ingestjobs.Job
	if code := w.request(t, "POST", "/api/v1/ingest?source=caesar", tok, "application/zip", bytes.NewReader(cache), &again); code != http.StatusCreated {
		t.Fatalf("second POST: %d", code)
	}
	second := w.waitJob(t, again.ID, tok)
	if c := second.Counts; c.Indexed != 0 || c.DoneBefore != 5 || c.Unreadable != 1 || second.Upload != done.Upload {
		t.Errorf("the same zip again: %+v (upload %s, first %s); want 5 done before, none indexed, the nested zip unreadable again, one upload kept",
			c, second.Upload, done.Upload)
	}

	// The list shows both jobs to their owner.
	var list struct{ Jobs []ingestjobs.Job }
	if code := w.request(t, "GET", "/api/v1/ingest", tok, "", nil, &list); code != http.StatusOK || len(list.Jobs) != 2 {
		t.Errorf("GET /api/v1/ingest: %d, %d jobs", code, len(list.Jobs))
	}

	// Cases, images and search: 403 for the ingest token, on every route.
	n := 0
	for _, rt := range append(w.d.Routes(), web.Routes(w.d)...) {
		if rt.Public || slices.Contains(rt.Roles, auth.RoleIngest) {
			continue
		}
		isCase := strings.Contains(rt.Path, "/cases") || strings.Contains(rt.Path, "/search") || rt.Kind == api.Image
		if !isCase {
			continue
		}
		n++
		path := strings.NewReplacer("{id}", "C1", "{individual}", "I1", "{ref}", "R1", "{pending}", "P1", "{name}", "x").Replace(rt.Path)
		if code := w.request(t, rt.Method, path, tok, "application/json", strings.NewReader("{}"), nil); code != http.StatusForbidden {
			t.Errorf("%s %s with the ingest token: %d, want 403", rt.Method, rt.Path, code)
		}
	}
	if n < 25 {
		t.Errorf("only %d case, image and search routes walked", n)
	}

	// Each job's start and end are in the audit trail, by the token.
	var starts, ends int
	w.d.Audit.Read(ctx, 1, func(e audit.Event) error {
		if strings.HasPrefix(e.Actor, "token:") && e.Action == "ingest_start" {
			starts++
		}
		if e.Action == "ingest_end" && e.Detail["state"] == "done" {
			ends++
		}
		return nil
	})
	if starts != 2 || ends != 2 {
		t.Errorf("audit: %d starts and %d ends, want 2 and 2", starts, ends)
	}
}

// Only the ingest role starts jobs; admins read every job, an ingest
// account its own; the others are refused.
func TestIngestRoutesByRole(t *testing.T) {
	w := newIngestWorld(t)
	cache := zipOf(t, member{Name: "a.png", Data: facetest.Photo(facetest.Spec{Person: 1})})
	for _, r := range auth.Roles {
		code := w.request(t, "POST", "/api/v1/ingest", w.tokens[r], "application/zip", bytes.NewReader(cache), nil)
		if want := map[bool]int{true: http.StatusCreated, false: http.StatusForbidden}[r == auth.RoleIngest]; code != want {
			t.Errorf("POST by %s: %d, want %d", r, code, want)
		}
	}
	var list struct{ Jobs []ingestjobs.Job }
	if code := w.request(t, "GET", "/api/v1/ingest", w.tokens[auth.RoleAdmin], "", nil, &list); code != http.StatusOK || len(list.Jobs) != 1 {
		t.Fatalf("admin's list: %d %+v", code, list)
	}
	id := list.Jobs[0].ID
	w.waitJob(t, id, w.tokens[auth.RoleAdmin])
	ctx := context.Background()
	w.d.Auth.AddUser(ctx, "other-batch", auth.RoleIngest, password)
	other, _, _ := w.d.Auth.CreateToken(ctx, "other-batch", "batch", 0)
	if code := w.request(t, "GET", "/api/v1/ingest/"+id, other, "", nil, nil); code != http.StatusNotFound {
		t.Errorf("another ingest account reads the job: %d, want 404", code)
	}
	for _, r := range []auth.Role{auth.RoleCaseworker, auth.RoleReviewer} {
		if code := w.request(t, "GET", "/api/v1/ingest/"+id, w.tokens[r], "", nil, nil); code != http.StatusForbidden {
			t.Errorf("GET job by %s: %d, want 403", r, code)
		}
	}
}

// A wrong, revoked or malformed token is told so, not "log in first".
func TestAWrongTokenIsToldItIsInvalid(t *testing.T) {
	w := newIngestWorld(t)
	for _, h := range []string{"Bearer not-a-token", "Basic dXNlcjpwYXNz"} {
		req, _ := http.NewRequest("GET", w.srv.URL+"/api/v1/ingest", nil)
		req.Header.Set("Authorization", h)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct{ Error, Kind string }
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || e.Kind != "token_invalid" || !strings.Contains(e.Error, "token invalid or expired") {
			t.Errorf("%s: %d %+v; want 401 token_invalid", h, resp.StatusCode, e)
		}
	}
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// /metrics has the queue depth of each stage, the failures by kind, and
// counts logins (by outcome) and searches (by kind).
func TestMetricsCountQueuesFailuresLoginsAndSearches(t *testing.T) {
	w := newIngestWorld(t)
	var job ingestjobs.Job
	cache := zipOf(t, member{Name: "a.png", Data: facetest.Photo(facetest.Spec{Person: 1})}, member{Name: "notes.jpg", Data: []byte("not a photo")})
	if code := w.request(t, "POST", "/api/v1/ingest", w.tokens[auth.RoleIngest], "application/zip", bytes.NewReader(cache), &job); code != http.StatusCreated {
		t.Fatalf("POST: %d", code)
	}
	w.waitJob(t, job.ID, w.tokens[auth.RoleIngest])
	for _, pw := range []string{password, "wrong password!"} {
		body, _ := json.Marshal(map[string]string{"name": "caseworker-user", "password": pw})
		w.request(t, "POST", "/api/v1/login", "", "application/json", bytes.NewReader(body), nil)
	}
	if code := w.request(t, "POST", "/api/v1/search", w.tokens[auth.RoleCaseworker], "image/png",
		bytes.NewReader(facetest.Photo(facetest.Spec{Person: 1, Variant: 3})), nil); code != http.StatusOK {
		t.Fatalf("search: %d", code)
	}
	resp, err := http.Get(w.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(b)
	for _, want := range []string{
		`facetriage_logins_total{outcome="ok"} 1`, `facetriage_logins_total{outcome="refused"} 1`,
		`facetriage_searches_total{kind="archive"} 1`, `facetriage_searches_total{kind="case"} 0`,
		`facetriage_queue_pending{stage="decode"} 0`, `facetriage_queue_pending{stage="faces"} 0`, `facetriage_queue_pending{stage="index"} 0`,
		`facetriage_queue_in_progress{stage="decode"}`, `facetriage_failures{kind="not_image"} 1`, `facetriage_ingest_jobs_active 0`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// A browser session of a batch account must send its CSRF token in the
// header to start a job: the streamed body is never searched for it.
func TestIngestBySessionNeedsTheCSRFHeader(t *testing.T) {
	w := newIngestWorld(t)
	sess, err := w.d.Auth.Login(context.Background(), "ingest-user", password, "")
	if err != nil {
		t.Fatal(err)
	}
	cache := zipOf(t, member{Name: "a.png", Data: facetest.Photo(facetest.Spec{Person: 1})})
	for _, withHeader := range []bool{false, true} {
		req, _ := http.NewRequest("POST", w.srv.URL+"/api/v1/ingest", bytes.NewReader(cache))
		req.Header.Set("Content-Type", "application/zip")
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: sess.ID})
		if withHeader {
			req.Header.Set(auth.CSRFHeader, sess.CSRF)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[bool]int{false: http.StatusForbidden, true: http.StatusCreated}[withHeader]; resp.StatusCode != want {
			t.Errorf("CSRF header %v: %d, want %d", withHeader, resp.StatusCode, want)
		}
	}
}
