//go:build cgo

package native

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/face"
)

// TestRotationSweep turns every single-face test photo by 90°, 180° and
// 270° and requires, at each rotation, the face in at least 30 of the 33
// photos, with a descriptor within 0.25 of the upright photo's. It uses HOG
// alone: the sweep is what is tested, not the CNN fallback.
func TestRotationSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("rotation sweep over 33 photos × 4 rotations")
	}
	e := testEngine(t)
	files := singleFaceImages(t)
	if len(files) != 33 {
		t.Fatalf("%d single-face photos, want 33", len(files))
	}
	const (
		minFound = 30
		maxDist  = 0.25
	)
	type outcome struct {
		ok      bool
		dist    float64
		rot     face.Rotation
		reason  string
		present bool
	}
	results := make([][4]outcome, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, e.Pool.Size())
	for i, path := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			data := readFile(t, path)
			up, err := e.EmbedWith(context.Background(), data, engine.ModeHOG)
			if err != nil {
				t.Error(path, err)
				return
			}
			ref, ok := largest(up.Faces)
			for q := 1; q < 4; q++ {
				if !ok {
					results[i][q] = outcome{reason: "no upright face"}
					continue
				}
				r, err := e.EmbedWith(context.Background(), rotatedJPEG(t, data, q), engine.ModeHOG)
				if err != nil {
					t.Error(path, err)
					return
				}
				f, found := largest(r.Faces)
				if !found {
					results[i][q] = outcome{reason: "not found"}
					continue
				}
				d := f.Descriptor.Distance(ref.Descriptor)
				results[i][q] = outcome{ok: d <= maxDist, dist: d, rot: f.Rotation, present: true}
			}
		}()
	}
	wg.Wait()
	for q := 1; q < 4; q++ {
		good := 0
		for i, path := range files {
			o := results[i][q]
			if o.ok {
				good++
				continue
			}
			t.Logf("%d°: %s: %s (distance %.3f, found at %d°)", 90*q, filepath.Base(path), o.reason, o.dist, o.rot)
		}
		t.Logf("photo turned %d°: face found and within %.2f in %d of %d", 90*q, maxDist, good, len(files))
		if good < minFound {
			t.Errorf("photo turned %d°: %d of %d, want at least %d", 90*q, good, len(files), minFound)
		}
	}
}
