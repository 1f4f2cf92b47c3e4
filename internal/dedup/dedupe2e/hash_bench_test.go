//go:build cgo

package dedupe2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/facetriage/facetriage/internal/dedup"
	"github.com/facetriage/facetriage/internal/imaging"
	"github.com/facetriage/facetriage/internal/testenv"
)

// BenchmarkPhotoHash is what the faces stage pays per photo for the hash:
// the go-face test photos (540 to 3005 px), decoded by OpenCV at a reduced
// size, against Go's own decoders at full size.
//
//	go test ./internal/dedup/dedupe2e -run XXX -bench PhotoHash
func BenchmarkPhotoHash(b *testing.B) {
	paths, err := filepath.Glob(filepath.Join(testenv.GoFaceImages(b), "*.jpg"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no go-face photos: %v", err)
	}
	var photos [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		photos = append(photos, data)
	}
	for name, h := range map[string]dedup.PhotoHasher{"opencv-reduced": {Decode: imaging.DecodeGray}, "pure-go": {}} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := h.PhotoHash(photos[i%len(photos)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
