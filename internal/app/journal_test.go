package app_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/config"
	"github.com/facetriage/facetriage/internal/vector"
)

// The embedded index's journal holds face descriptors and detainee
// numbers: it is sealed with a key from the data directory's store key,
// and opens again with it.
func TestIndexJournalIsSealed(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	const marker = "MARKER-detainee-4321"
	open := func() (*app.Runtime, vector.Store) {
		rt, err := app.Connect(ctx, config.Config{DataDir: dir}, quietLog(), app.Own)
		if err != nil {
			t.Fatal(err)
		}
		s, err := rt.OpenStore(ctx)
		if err != nil {
			rt.Close()
			t.Fatal(err)
		}
		return rt, s
	}
	rt, s := open()
	p := vector.Point{ID: vector.PointID("ab", 0), Payload: vector.Payload{Photo: "ab", Individual: marker, Number: marker}}
	p.Vector[0] = 0.5
	if err := s.Upsert(ctx, []vector.Point{p}); err != nil {
		t.Fatal(err)
	}
	rt.Close()
	err := filepath.WalkDir(filepath.Join(dir, "index"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if bytes.Contains(b, []byte(marker)) {
			t.Errorf("%s holds the detainee number in clear", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	rt, s = open()
	defer rt.Close()
	if n, err := s.Count(ctx); err != nil || n != 1 {
		t.Fatalf("the sealed journal opened again with %d points (%v), want 1", n, err)
	}
}
