//go:build cgo

package native

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/testenv"
)

// golden lists photos whose face count is known, and the detection mode.
var golden = []struct {
	file  string
	mode  engine.DetectMode
	faces int
	slow  bool
	why   string
}{
	{"pristin.jpg", engine.ModeHOG, 10, false, "group photo; go-face's own test expects 10 faces. Found after the zoom to full size"},
	{"tzuyu.jpg", engine.ModeHOG, 1, false, "one face, 149 px"},
	{"jimin4.jpg", engine.ModeHOG, 2, false, "Jimin and a second person at the right edge"},
	{"jimin3.jpg", engine.ModeHOG, 0, false, "HOG misses this face at every scale and rotation"},
	{"jimin3.jpg", engine.ModeFallback, 1, true, "the CNN fallback finds it"},
}

func TestGoldenFaceCounts(t *testing.T) {
	e := testEngine(t)
	dir := testenv.GoFaceImages(t)
	for _, g := range golden {
		t.Run(g.file+"/"+string(g.mode), func(t *testing.T) {
			if g.slow && testing.Short() {
				t.Skip("CNN detector: ~10 s")
			}
			r, err := e.EmbedWith(context.Background(), readFile(t, filepath.Join(dir, g.file)), g.mode)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Faces) != g.faces {
				t.Fatalf("%d faces, want %d (%s)", len(r.Faces), g.faces, g.why)
			}
			for _, f := range r.Faces {
				if g.mode == engine.ModeFallback && f.Detector != face.CNN {
					t.Errorf("face found by %s, want cnn", f.Detector)
				}
				if f.Sharpness <= 0 || f.Size <= 0 {
					t.Errorf("quality figures missing: %+v", f)
				}
			}
		})
	}
}

// TestCrops asks for aligned crops: each is a JPEG of the requested size,
// and the face in it is upright (the engine finds it again at 0°).
func TestCrops(t *testing.T) {
	cfg := testenv.Config(t)
	cfg.Workers = 1
	e, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	eng, err := engine.New(Decoder, e.Pool, engine.Options{Crops: true})
	if err != nil {
		t.Fatal(err)
	}
	data := rotatedJPEG(t, readFile(t, filepath.Join(testenv.GoFaceImages(t), "tzuyu2.jpg")), 1)
	r := embed(t, eng, data)
	if len(r.Faces) != 1 || r.Faces[0].Rotation != 270 {
		t.Fatalf("faces %+v, want one found at 270°", r.Faces)
	}
	crop := r.Faces[0].Crop
	c := embed(t, eng, crop)
	if c.Width != engine.DefaultCropSide || c.Height != engine.DefaultCropSide {
		t.Errorf("crop %d×%d, want %d", c.Width, c.Height, engine.DefaultCropSide)
	}
	if len(c.Faces) != 1 || c.Faces[0].Rotation != 0 {
		t.Fatalf("crop: faces %+v, want one upright", c.Faces)
	}
	if d := c.Faces[0].Descriptor.Distance(r.Faces[0].Descriptor); d > 0.3 {
		t.Errorf("the crop's face is %.2f from the photo's", d)
	}
}
