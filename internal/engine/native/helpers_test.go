//go:build cgo

package native

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imaging"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/testenv"
)

var (
	engOnce sync.Once
	eng     *Engine
	engErr  error
)

// testEngine is one engine for the package's tests (loading models takes
// about a second per recognizer).
func testEngine(t *testing.T) *Engine {
	t.Helper()
	cfg := testenv.Config(t)
	engOnce.Do(func() { eng, engErr = Open(cfg) })
	if engErr != nil {
		t.Fatal(engErr)
	}
	return eng
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// singleFaceImages are the go-face test photos of one person each.
func singleFaceImages(t *testing.T) []string {
	t.Helper()
	all, err := filepath.Glob(filepath.Join(testenv.GoFaceImages(t), "*.jpg"))
	if err != nil || len(all) == 0 {
		t.Fatalf("no test images: %v", err)
	}
	sort.Strings(all)
	var out []string
	for _, p := range all {
		if filepath.Base(p) != "pristin.jpg" { // the group photo
			out = append(out, p)
		}
	}
	return out
}

// largest returns the largest face, or false.
func largest(fs []face.Face) (face.Face, bool) {
	if k := face.Largest(fs); k >= 0 {
		return fs[k], true
	}
	return face.Face{}, false
}

// rotatedJPEG turns a photo's pixels clockwise by quarter turns and encodes
// it as JPEG, as a sideways archive photo would be stored.
func rotatedJPEG(t *testing.T, data []byte, quarterTurns int) []byte {
	t.Helper()
	p, _, err := imaging.Decode(data, imgfile.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	b, _, err := p.View(quarterTurns, 1, 95)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func embed(t *testing.T, e *engine.Engine, data []byte) engine.Result {
	t.Helper()
	r, err := e.Embed(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
