//go:build !cgo

package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/config"
	"github.com/facetriage/facetriage/internal/engine"
)

// TestWithoutFaceEngineSaysHowToGetIt runs the commands that need the face
// engine in a binary built without it: each fails and says how to build
// one that has it.
func TestWithoutFaceEngineSaysHowToGetIt(t *testing.T) {
	for _, args := range [][]string{
		{"embed", "x.jpg"},
		{"eval", "--dataset", t.TempDir(), "--limit", "3"},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, _, stderr := run(t, append([]string{"--models", t.TempDir()}, args...)...)
			if code != ExitError || !strings.Contains(stderr, "built without the face engine") || !strings.Contains(stderr, "CGO_ENABLED=1") {
				t.Errorf("exit %d, stderr %q; want %d and how to get the face engine", code, stderr, ExitError)
			}
		})
	}
}

// TestServeWithoutFaceEngine: serve goes on without the engine, with no
// faces workers, and what needs a face found fails with ErrNoFaceEngine.
func TestServeWithoutFaceEngine(t *testing.T) {
	e := &env{ctx: context.Background(), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	eng, workers, err := serveEngine(e, &app.Runtime{Cfg: config.Config{ModelDir: t.TempDir()}})
	if err != nil || workers != 0 {
		t.Fatalf("serveEngine: %d workers, %v; want 0 and no error", workers, err)
	}
	if _, err := eng.Embed(context.Background(), []byte("a photo")); !errors.Is(err, engine.ErrNoFaceEngine) {
		t.Fatalf("Embed: %v, want ErrNoFaceEngine", err)
	}
}
