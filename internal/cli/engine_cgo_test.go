//go:build cgo

package cli

import (
	"strings"
	"testing"
)

func TestEmbedWithoutModelsSaysHowToGetThem(t *testing.T) {
	code, _, stderr := run(t, "--models", t.TempDir(), "embed", "x.jpg")
	if code != ExitError || !strings.Contains(stderr, "models fetch") {
		t.Errorf("exit %d, stderr %q; want %d and a hint to run models fetch", code, stderr, ExitError)
	}
}

func TestNormalisedOnlyNeedsAnOpenSetThresholdsFile(t *testing.T) {
	for _, args := range [][]string{
		{"eval", "--dataset", t.TempDir(), "--normalised-only"},
		{"eval", "--dataset", t.TempDir(), "--open-set", "--normalised-only"},
		{"eval", "--dataset", t.TempDir(), "--write-thresholds", "x.json", "--normalised-only"},
	} {
		code, _, stderr := run(t, args...)
		if code != ExitUsage || !strings.Contains(stderr, "--normalised-only needs --open-set and --write-thresholds") {
			t.Errorf("%v: exit %d, stderr %q; want %d and what it needs", args, code, stderr, ExitUsage)
		}
	}
}
