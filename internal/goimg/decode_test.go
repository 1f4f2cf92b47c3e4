package goimg

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/testfile"
)

// TestOrient checks every EXIF orientation against its definition: where
// the stored pixel (sx, sy) of a W × H image is displayed.
func TestOrient(t *testing.T) {
	const w, h = 5, 3
	src := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			src.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 0, 255})
		}
	}
	stored := map[int]func(x, y int) (int, int){ // displayed (x, y) ← stored
		1: func(x, y int) (int, int) { return x, y },
		2: func(x, y int) (int, int) { return w - 1 - x, y },
		3: func(x, y int) (int, int) { return w - 1 - x, h - 1 - y },
		4: func(x, y int) (int, int) { return x, h - 1 - y },
		5: func(x, y int) (int, int) { return y, x },
		6: func(x, y int) (int, int) { return y, h - 1 - x },
		7: func(x, y int) (int, int) { return w - 1 - y, h - 1 - x },
		8: func(x, y int) (int, int) { return w - 1 - y, x },
	}
	for o := 1; o <= 8; o++ {
		got := Orient(src, o)
		b := got.Bounds()
		if (o >= 5) != (b.Dx() == h && b.Dy() == w) {
			t.Fatalf("orientation %d: bounds %v", o, b)
		}
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				sx, sy := stored[o](x-b.Min.X, y-b.Min.Y)
				r, g, _, _ := got.At(x, y).RGBA()
				if int(r>>8) != sx || int(g>>8) != sy {
					t.Fatalf("orientation %d: displayed (%d,%d) shows stored (%d,%d), want (%d,%d)", o, x, y, r>>8, g>>8, sx, sy)
				}
			}
		}
	}
}

func TestDecodeAppliesEXIFOrientation(t *testing.T) {
	img, info, err := Decode(testfile.WithOrientation(noiseJPEG(t, 96, 48, 8, 4), 6), imgfile.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if info.EXIF.Orientation != 6 || info.Width != 96 || info.Height != 48 {
		t.Fatalf("info %+v, want 96×48 stored with orientation 6", info)
	}
	if b := img.Bounds(); b.Dx() != 48 || b.Dy() != 96 {
		t.Fatalf("upright bounds %v, want 48×96", b)
	}
}

func TestDecodeFormats(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 40, 30))
	var p bytes.Buffer
	if err := png.Encode(&p, src); err != nil {
		t.Fatal(err)
	}
	img, info, err := Decode(p.Bytes(), imgfile.Limits{})
	if err != nil || info.Format != imgfile.PNG || img.Bounds().Dx() != 40 {
		t.Fatalf("PNG: %v %+v %v", img.Bounds(), info, err)
	}
	pgm := append([]byte("P5\n40 30\n255\n"), make([]byte, 40*30)...)
	if _, _, err := Decode(pgm, imgfile.Limits{}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("PGM: %v, want ErrUnsupported", err)
	}
	if _, _, err := Decode(p.Bytes(), imgfile.Limits{MaxPixels: 100}); !errors.Is(err, imgfile.ErrTooLarge) {
		t.Fatalf("over the budget: %v, want imgfile.ErrTooLarge", err)
	}
}
