package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/casework"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/pipelinetest"
	"github.com/facetriage/facetriage/internal/web"
)

// ingestServer is a server with ingest over HTTP and a token of the
// ingest role.
func ingestServer(t *testing.T) (url, token string) {
	t.Helper()
	rig := pipelinetest.Start(t, nil)
	d := rig.Casework(t, func(p *casework.Parts) { p.UploadDir = t.TempDir() })
	ctx := context.Background()
	if err := d.Auth.AddUser(ctx, "batch", auth.RoleIngest, "correct horse battery staple"); err != nil {
		t.Fatal(err)
	}
	tok, _, err := d.Auth.CreateToken(ctx, "batch", "cli", 0)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler(web.LoginPath, d.Routes(), web.Routes(d)))
	t.Cleanup(srv.Close)
	return srv.URL, tok
}

func writeZip(t *testing.T, path string, members map[string][]byte) {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range members {
		f, _ := zw.Create(name)
		f.Write(data)
	}
	zw.Close()
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// `ingest --server --token` sends archives and folders over HTTP and
// follows the jobs with plain progress lines (standard error is no
// terminal here), and its exit code says how it went: 0 every file
// through, 3 some files failed (each listed), 1 it could not run (a wrong
// token: told so), 2 a wrong command line.
func TestIngestOverHTTPExitCodes(t *testing.T) {
	t.Setenv("FACETRIAGE_TOKEN", "")
	t.Setenv("FACETRIAGE_SERVER", "")
	url, tok := ingestServer(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.zip")
	writeZip(t, good, map[string][]byte{"a.png": facetest.Photo(facetest.Spec{Person: 1}), "b.png": facetest.Photo(facetest.Spec{Person: 2})})
	folder := filepath.Join(dir, "loose")
	pipelinetest.Write(t, filepath.Join(folder, "sub", "c.png"), facetest.Photo(facetest.Spec{Person: 3}))

	code, out, errs := run(t, "ingest", "--server", url, "--token", tok, "--source", "caesar", good, folder)
	if code != ExitOK {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "3 photos found: 3 indexed now") {
		t.Errorf("summary: %s", out)
	}
	if strings.ContainsAny(errs, "\r\x1b") || !strings.Contains(errs, "ingest: job ") || !strings.Contains(errs, "[done]") {
		t.Errorf("progress is not plain lines:\n%q", errs)
	}

	bad := filepath.Join(dir, "bad.zip")
	writeZip(t, bad, map[string][]byte{"d.png": facetest.Photo(facetest.Spec{Person: 4}), "notes.jpg": []byte("not a photo")})
	code, out, errs = run(t, "ingest", "--server", url, "--token", tok, bad)
	if code != ExitSomeFailed || !strings.Contains(out, "notes.jpg") || !strings.Contains(out, "not_image") {
		t.Errorf("some failed: exit %d, want %d\n%s\n%s", code, ExitSomeFailed, out, errs)
	}

	code, _, errs = run(t, "ingest", "--server", url, "--token", "wrong-token", good)
	if code != ExitError || !strings.Contains(errs, "token invalid or expired") {
		t.Errorf("a wrong token: exit %d, want %d\n%s", code, ExitError, errs)
	}
	code, _, _ = run(t, "ingest", "--server", "http://127.0.0.1:1", "--token", tok, good)
	if code != ExitError {
		t.Errorf("no server: exit %d, want %d", code, ExitError)
	}
	code, _, _ = run(t, "ingest", "--server", url, good)
	if code != ExitUsage {
		t.Errorf("--server without --token: exit %d, want %d", code, ExitUsage)
	}
}

// `ingest --help` documents the exit codes.
func TestIngestHelpNamesTheExitCodes(t *testing.T) {
	code, out, _ := run(t, "ingest", "--help")
	if code != ExitOK || !strings.Contains(out, "Exit codes: 0") || !strings.Contains(out, "3 it ran, and some files failed") {
		t.Errorf("ingest --help: %d\n%s", code, out)
	}
}
