package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/casework"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/ingestjobs"
	"github.com/facetriage/facetriage/internal/pipelinetest"
	"github.com/facetriage/facetriage/internal/web"
)

// ingestedWorld is a server whose batch account ran one ingest job over
// HTTP: two photos and a member named like a script, which is no photo.
func ingestedWorld(t *testing.T) (*world, ingestjobs.Job) {
	t.Helper()
	ctx := context.Background()
	rig := pipelinetest.Start(t, nil)
	d := rig.Casework(t, func(p *casework.Parts) { p.UploadDir = t.TempDir() })
	for _, u := range []struct {
		name string
		role auth.Role
	}{{"admin", auth.RoleAdmin}, {"cw", auth.RoleCaseworker}, {"batch", auth.RoleIngest}} {
		if err := d.Auth.AddUser(ctx, u.name, u.role, password); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range map[string][]byte{"a.png": facetest.Photo(facetest.Spec{Person: 1}),
		"b.png": facetest.Photo(facetest.Spec{Person: 2}), "<script>alert(1)</script>.jpg": []byte("no photo")} {
		f, _ := zw.Create(name)
		f.Write(data)
	}
	zw.Close()
	batch := auth.Actor{Name: "batch", Role: auth.RoleIngest, Via: auth.ViaToken, Token: "t1"}
	j, err := d.IngestJobs.Start(ctx, batch, ingestjobs.Upload{Source: "damascus", Archive: &b})
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); !j.Ended(); time.Sleep(50 * time.Millisecond) { // a safety net, not a timing
		if j, err = d.IngestJobs.Job(ctx, batch, j.ID); err != nil || time.Now().After(deadline) {
			t.Fatalf("job %+v: %v", j, err)
		}
	}
	w := &world{d: d, rig: rig}
	w.srv = httptest.NewServer(d.Handler(web.LoginPath, d.Routes(), web.Routes(d)))
	t.Cleanup(w.srv.Close)
	return w, j
}

// The admins' ingest page shows the job with its counts and failures, each
// stage's queue and the failures by kind, escaped, in both languages; the
// admin's navigation links to it; a caseworker is refused; a batch
// account's home is its account page, with no link to cases.
func TestIngestPage(t *testing.T) {
	w, j := ingestedWorld(t)
	if j.State != ingestjobs.StateDone || j.Counts.Indexed != 2 || j.Counts.Failed != 1 {
		t.Fatalf("job %+v", j)
	}
	admin := w.login(t, "admin")
	code, body := admin.get("/admin/ingest")
	if code != http.StatusOK {
		t.Fatalf("GET /admin/ingest: %d", code)
	}
	for _, want := range []string{`data-job="` + j.ID + `" data-state="done"`, `data-stage="decode"`, `data-stage="faces"`,
		`data-stage="index"`, `data-kind="not_image"`, "&lt;script&gt;", "alert(1)", "damascus", `href="/admin/ingest"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the ingest page lacks %s", want)
		}
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("a member's name reaches the page unescaped")
	}
	_, ar := admin.get("/admin/ingest?lang=ar")
	if !strings.Contains(ar, `dir="rtl"`) || !strings.Contains(ar, "إدخال الصور") || !strings.Contains(ar, "انتهت") {
		t.Error("the Arabic ingest page is not right to left, or not in Arabic")
	}
	if code, _ := w.login(t, "cw").get("/admin/ingest"); code != http.StatusForbidden {
		t.Errorf("a caseworker opens the ingest page: %d", code)
	}
	batch := w.login(t, "batch")
	req, _ := http.NewRequest("GET", w.srv.URL+"/", nil)
	if resp := batch.do(req); resp.Header.Get("Location") != "/account" {
		t.Errorf("a batch account's home: %q, want /account", resp.Header.Get("Location"))
	}
	if code, body := batch.get("/account"); code != http.StatusOK || strings.Contains(body, `href="/cases"`) {
		t.Errorf("a batch account's account page: %d, with a link to cases: %v", code, strings.Contains(body, `href="/cases"`))
	}
}
