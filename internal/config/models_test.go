package config

import (
	"path/filepath"
	"testing"
	"time"
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

// TestNegativeFaceBudgetIsRefused: --face-budget=-5s is an error before
// any photo, not a budget spent at once.
func TestNegativeFaceBudgetIsRefused(t *testing.T) {
	if err := (Config{FaceBudget: -5 * time.Second}).EngineOptions().Validate(); err == nil {
		t.Fatal("a negative face budget was accepted")
	}
	if err := (Config{FaceBudget: 20 * time.Second}).EngineOptions().Validate(); err != nil {
		t.Fatalf("a 20 s face budget: %v", err)
	}
}
