// Package testenv locates what the real-data tests and benchmarks need: the
// shared data folder beside the checkout (labelled images, LFW, models) and
// the installed model directory.
//
//   - FACETRIAGE_SHARED names the shared folder; by default it is ../shared
//     next to the repository root.
//   - FACETRIAGE_MODELS names the model directory; by default it is the
//     product's default (see config.Config).
//
// Tests that need the models skip under -short (see ModelDir).
package testenv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/facetriage/facetriage/internal/config"
	"github.com/facetriage/facetriage/models"
)

// RepoRoot is the directory holding go.mod, found from the working directory.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("testenv: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Shared returns the shared data folder, or skips the test when it is absent
// (a user's machine has none; CI and developer machines do).
func Shared(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("FACETRIAGE_SHARED")
	if dir == "" {
		dir = filepath.Join(RepoRoot(tb), "..", "shared")
	}
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("testenv: shared data folder %s not found (set FACETRIAGE_SHARED): %v", dir, err)
	}
	return dir
}

// SharedPath joins elements onto the shared folder.
func SharedPath(tb testing.TB, elem ...string) string {
	tb.Helper()
	return filepath.Join(append([]string{Shared(tb)}, elem...)...)
}

// GoFaceImages is the folder of go-face's labelled test photos.
func GoFaceImages(tb testing.TB) string {
	tb.Helper()
	return SharedPath(tb, "testdata", "go-face", "images")
}

// ModelDir returns a model directory that verifies, or fails the test with
// the command that installs one. Tests never pass without the real models.
//
// Under -short, and in a build without the face engine (CGO_ENABLED=0), it
// skips the test instead: the fast tests are those that need no model.
func ModelDir(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("testenv: needs the face models; runs without -short")
	}
	if !faceEngine {
		tb.Skip("testenv: needs the face engine, which this build has not (cgo is off)")
	}
	dir := os.Getenv("FACETRIAGE_MODELS")
	if dir == "" {
		dir = config.Config{}.ModelDirOrDefault()
	}
	if _, err := models.Verify(dir); err != nil {
		tb.Fatalf("testenv: no verified models in %s: %v\nrun scripts/test.sh, or `facetriage models fetch`, or set FACETRIAGE_MODELS", dir, err)
	}
	return dir
}

// Config returns a configuration using the test models.
func Config(tb testing.TB) config.Config {
	tb.Helper()
	return config.Config{ModelDir: ModelDir(tb)}
}
