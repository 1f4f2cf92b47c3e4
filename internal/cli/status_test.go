package cli

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/config"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

// TestStatusEscapesNames ingests a folder whose names carry terminal
// escape sequences and legacy bytes (a symbolic link and a FIFO: recorded,
// not read), adds a record whose text reorders what a terminal shows, and
// runs `facetriage status`: every name is listed, none reaches the
// terminal raw.
func TestStatusEscapesNames(t *testing.T) {
	data, cache := t.TempDir(), t.TempDir()
	evil := "evil\x1b]0;pwned\x07\x1b[2J.png"
	if err := os.Symlink("\x1b[31mtarget", filepath.Join(cache, evil)); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(cache, "\xc3\xcd\xe3\xcf.png"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rt, err := app.Connect(ctx, config.Config{DataDir: data}, slog.New(slog.DiscardHandler), app.Own)
	if err != nil {
		t.Fatal(err)
	}
	in := &ingest.Ingester{Publisher: rt.Publisher(), Catalogue: rt.Catalog}
	sum, err := in.Run(ctx, ingest.Options{Paths: []string{cache}})
	if err != nil || sum.Links != 2 {
		t.Fatalf("ingest: %+v, %v; want the link and the FIFO recorded", sum, err)
	}
	if err := rt.Catalog.RecordFailure(ctx, &facetriagepb.Failure{Stage: "decode", Kind: "permanent",
		Path: "/cache/gpj.\u202eexe.png", Error: "decode: \x1b[1mbold\x1b[0m\nnext line", TimeUnix: 1}); err != nil {
		t.Fatal(err)
	}
	rt.Close()

	code, out, stderr := run(t, "--data", data, "status")
	if code != ExitOK {
		t.Fatalf("status: exit %d: %s", code, stderr)
	}
	if !utf8.ValidString(out) || strings.ContainsAny(out, "\x1b\x07\u202e") {
		t.Fatalf("status printed raw control characters or bytes:\n%q", out)
	}
	for _, want := range []string{
		`evil\#033]0;pwned\#007\#033[2J.png`, `(to \#033[31mtarget)`, // the link and its target
		`\#303\#315\#343\#317.png`, // the FIFO's Windows-1256 name
		`gpj.\#342\#200\#256exe.png`, `\#033[1mbold\#033[0m\#012next line`,
		"symlink", "special",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status does not show %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n"); n > 16 {
		t.Errorf("a record's text broke the table into %d lines:\n%s", n, out)
	}
	t.Logf("status:\n%s", out)
}
