package cli

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/config"
	"github.com/facetriage/facetriage/internal/testenv"
)

// TestIngestThenSearchFromTheCommandLine runs ingest and search as a user
// would, without a serve: search ranks tzuyu2.jpg after the photo itself,
// and the search is on the audit trail.
func TestIngestThenSearchFromTheCommandLine(t *testing.T) {
	models := testenv.ModelDir(t)
	photos := testenv.GoFaceImages(t)
	dir := t.TempDir()
	args := []string{"--data", dir, "--models", models}
	code, out, stderr := run(t, append(args, "ingest", "--no-progress",
		filepath.Join(photos, "tzuyu.jpg"), filepath.Join(photos, "tzuyu2.jpg"), filepath.Join(photos, "joy.jpg"))...)
	if code != ExitOK || !strings.Contains(out, "3 indexed now") {
		t.Fatalf("ingest: exit %d: %s %s", code, out, stderr)
	}
	code, out, stderr = run(t, append(args, "search", "--photo", filepath.Join(photos, "tzuyu.jpg"), "--top", "3")...)
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, ".jpg ") {
			rows = append(rows, l)
		}
	}
	if code != ExitOK || len(rows) != 3 || !strings.Contains(rows[1], "tzuyu2.jpg") || !strings.Contains(rows[1], "strong") ||
		!strings.Contains(out, "in an archive of 3 faces of 3 people") {
		t.Fatalf("search: exit %d:\n%s\n%s", code, out, stderr)
	}
	rt, err := app.Connect(context.Background(), config.Config{DataDir: dir}, slog.New(slog.DiscardHandler), app.Own)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	lg, err := rt.OpenAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var searched bool
	lg.Read(context.Background(), 1, func(e audit.Event) error {
		searched = searched || (e.Action == "search" && e.Detail["via"] == "cli")
		return nil
	})
	if !searched {
		t.Fatal("the command-line search is not on the audit trail")
	}
}
