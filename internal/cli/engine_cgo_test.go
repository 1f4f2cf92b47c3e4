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
