package config

import (
	"path/filepath"
	"testing"
)

// TestModelsBelongToTheInstallation: a new --data directory uses the
// models already fetched, not a folder of its own without them.
func TestModelsBelongToTheInstallation(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_DATA_HOME", home)
	want := filepath.Join(home, "facetriage", "models")
	for _, c := range []Config{{}, {DataDir: t.TempDir()}} {
		if got := c.ModelDirOrDefault(); got != want {
			t.Errorf("data %q: models in %s, want %s", c.DataDir, got, want)
		}
	}
	if got := (Config{ModelDir: "/m", DataDir: "/d"}).ModelDirOrDefault(); got != "/m" {
		t.Errorf("--models is not kept: %s", got)
	}
}
