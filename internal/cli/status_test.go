package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/archive"
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

// TestStatusListsFlaggedIndividuals writes two flagged individuals and one
// that is not, and runs `facetriage status`: it counts the flagged ones and
// lists why, with the faces concerned.
func TestStatusListsFlaggedIndividuals(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rt, err := app.Connect(ctx, config.Config{DataDir: data}, slog.New(slog.DiscardHandler), app.Own)
	if err != nil {
		t.Fatal(err)
	}
	photo := strings.Repeat("ab", 32)
	for key, fn := range map[string]func(*archive.Individual) error{
		"caesar/215/4321": func(ind *archive.Individual) error {
			ind.Photos = []string{photo, "p2", "p3"}
			ind.Disagreeing = []archive.Disagreement{{Photo: photo, Face: 1, Median: 0.91, Nearest: 0.83}}
			return nil
		},
		"caesar/216/999": func(ind *archive.Individual) error {
			ind.Photos, ind.AlsoFiledAs = []string{"p4"}, []string{"caesar/215/4321"}
			return nil
		},
		"caesar/217/1000": func(ind *archive.Individual) error { ind.Photos = []string{"p5"}; return nil },
	} {
		if _, err := rt.Catalog.UpdateIndividual(ctx, key, fn); err != nil {
			t.Fatal(err)
		}
	}
	rt.Close()

	code, out, stderr := run(t, "--data", data, "status")
	if code != ExitOK {
		t.Fatalf("status: exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"near-duplicates: 0 photos", "individuals to review: 2",
		"caesar/215/4321  3       face disagrees with the others  face 1 of " + photo + ": median distance 0.910, nearest 0.830",
		"caesar/216/999   1       photograph also filed under     caesar/215/4321",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "caesar/217/1000") {
		t.Errorf("status lists an individual that is not flagged:\n%s", out)
	}
}

// TestStatusNamesTheSlowestPhotos: the photos whose search for faces cost
// most are listed, slowest first, with how far the search went.
func TestStatusNamesTheSlowestPhotos(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rt, err := app.Connect(ctx, config.Config{DataDir: data}, slog.New(slog.DiscardHandler), app.Own)
	if err != nil {
		t.Fatal(err)
	}
	for i, fs := range []archive.FaceSearch{
		{Seconds: 0.12, Level: "coarse", Views: 4, Chips: 1},
		{Seconds: 14.5, Level: "cnn", Views: 16, OverBudget: true},
		{Seconds: 0.9, Level: "fine", Views: 8, Chips: 2},
	} {
		sha := strings.Repeat(string(rune('a'+i)), 64)
		if _, err := rt.Catalog.Update(ctx, sha, func(p *archive.Photo) error {
			p.FaceSearch, p.Paths = &fs, []string{fmt.Sprintf("cache/%d.jpg", i)}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	rt.Close()
	code, out, stderr := run(t, "--data", data, "status", "--slowest", "2")
	if code != ExitOK {
		t.Fatalf("status: exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"face search: 3 photos, 15.5 s in all, median 0.90 s; how far it went: cnn 1, coarse 1, fine 1; stopped by the budget: 1",
		"1        14.50    cnn (over budget)  16     0      0      " + strings.Repeat("b", 64) + "  cache/1.jpg",
		"2        0.90     fine",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "cache/0.jpg") {
		t.Errorf("status lists more than --slowest photos:\n%s", out)
	}
}
