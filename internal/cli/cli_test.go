package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/testenv"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestEmbedJSON runs `embed --json` over a folder holding a photo, a
// sub-folder, hostile files and a text file: one line per photo, in order,
// each with its error kind, and exit status 0.
func TestEmbedJSON(t *testing.T) {
	models := testenv.ModelDir(t)
	photo, err := os.ReadFile(filepath.Join(testenv.GoFaceImages(t), "tzuyu.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string][]byte{
		"a_tzuyu.jpg":          photo,
		"b_empty.jpg":          {},
		"c_truncated.jpg":      photo[:len(photo)/2],
		"d_text.jpg":           []byte("not a photo"),
		"notes.txt":            []byte("skipped when walking a folder"),
		"sub/e_tzuyu_copy.JPG": photo,
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	missing := filepath.Join(dir, "missing.jpg")
	code, out, stderr := run(t, "--models", models, "--workers", "2", "embed", "--json", dir, missing)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var lines []embedLine
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l embedLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	want := []struct{ base, kind string }{
		{"a_tzuyu.jpg", ""}, {"b_empty.jpg", "empty"}, {"c_truncated.jpg", "truncated"},
		{"d_text.jpg", "not_image"}, {"e_tzuyu_copy.JPG", ""}, {"missing.jpg", "io"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		l := lines[i]
		if filepath.Base(l.Path) != w.base || l.Kind != w.kind {
			t.Errorf("line %d: %s kind %q, want %s kind %q", i, l.Path, l.Kind, w.base, w.kind)
		}
		if w.kind == "" {
			if l.Error != nil || len(l.Faces) != 1 || l.Width != 540 || len(l.SHA256) != 64 {
				t.Errorf("line %d: %+v", i, l)
			}
		} else if l.Error == nil || *l.Error == "" {
			t.Errorf("line %d: no error message", i)
		}
	}
	if lines[0].Faces[0].Descriptor != lines[4].Faces[0].Descriptor {
		t.Error("the same photo gave two descriptors")
	}
}

func TestUsageErrors(t *testing.T) {
	if code, _, _ := run(t, "embed"); code != ExitUsage {
		t.Errorf("embed without a path: exit %d, want %d", code, ExitUsage)
	}
	if code, _, _ := run(t, "--detector", "sift", "embed", "x.jpg"); code != ExitUsage {
		t.Errorf("unknown detector: exit %d, want %d", code, ExitUsage)
	}
	if code, _, _ := run(t, "--help"); code != ExitOK {
		t.Errorf("--help: exit %d", code)
	}
}

func TestModelsVerify(t *testing.T) {
	models := testenv.ModelDir(t)
	code, out, stderr := run(t, "--models", models, "models", "verify")
	if code != ExitOK || !strings.Contains(out, "all model files verify") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	code, _, stderr = run(t, "--models", t.TempDir(), "models", "verify")
	if code != ExitError || !strings.Contains(stderr, "models fetch") {
		t.Fatalf("empty model dir: exit %d, %s", code, stderr)
	}
}
