package goimg

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/testenv"
)

// faceCrop is a 256 × 256 JPEG of a go-face test photo's face, about as
// the engine crops one (the face fills the middle, with a margin).
func faceCrop(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.GoFaceImages(t), name))
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := Decode(data, imgfile.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := encodeJPEG(imaging.Fill(img, 256, 256, imaging.Center, imaging.Lanczos), 90)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// noiseJPEG is a w × h JPEG of random grey blocks of side block: detail at
// one known scale, without the shared data.
func noiseJPEG(t *testing.T, w, h, block int, seed uint64) []byte {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for by := 0; by < h; by += block {
		for bx := 0; bx < w; bx += block {
			c := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
			for y := by; y < min(by+block, h); y++ {
				for x := bx; x < min(bx+block, w); x++ {
					img.SetRGBA(x, y, c)
				}
			}
		}
	}
	b, err := encodeJPEG(img, 95)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeJPEG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a JPEG: %v", err)
	}
	return img
}

// featureEnergy is the mean squared grey detail at the scale of what tells
// one face from another in a crop (the lids, irises, nostrils, the lines of
// the lips): the difference of two Gaussian blurs, of sigma 0.5 % and 2 %
// of the side. A crop that hides a face has almost none left; the layout of
// a head (hair, face, neck) is coarser and stays, so that the viewer can
// tell it is a face.
func featureEnergy(img image.Image) float64 {
	side := float64(max(img.Bounds().Dx(), img.Bounds().Dy()))
	g := imaging.Grayscale(img)
	fine, coarse := imaging.Blur(g, 0.005*side), imaging.Blur(g, 0.02*side)
	var s float64
	for i := 0; i < len(fine.Pix); i += 4 {
		d := float64(fine.Pix[i]) - float64(coarse.Pix[i])
		s += d * d
	}
	return s / float64(len(fine.Pix)/4)
}

func TestObscureHidesTheFace(t *testing.T) {
	for _, name := range []string{"tzuyu.jpg", "jimin.jpg", "bona.jpg"} {
		t.Run(name, func(t *testing.T) {
			crop := faceCrop(t, name)
			before := featureEnergy(decodeJPEG(t, crop))
			out, err := Obscure(crop, false, true)
			if err != nil {
				t.Fatal(err)
			}
			after := featureEnergy(decodeJPEG(t, out))
			t.Logf("feature energy %.1f → %.2f (%.4f)", before, after, after/before)
			if before < 20 {
				t.Fatalf("the crop has feature energy %.1f: not a face with detail", before)
			}
			if after > 0.02*before {
				t.Errorf("obscured crop keeps %.1f%% of the face's feature energy, want under 2%%", 100*after/before)
			}
			// The measure tells a cosmetic blur from one that hides: a
			// blur of 2 % of the side keeps about 12 % of the detail.
			if weak := featureEnergy(imaging.Blur(decodeJPEG(t, crop), 0.02*256)); weak < 2*0.02*before {
				t.Errorf("a blur of 2%% of the side keeps only %.1f%%: the measure cannot tell it from hiding", 100*weak/before)
			}
		})
	}
}

func TestObscureNoiseAtFeatureScale(t *testing.T) {
	crop := noiseJPEG(t, 256, 256, 8, 1)
	before := featureEnergy(decodeJPEG(t, crop))
	out, err := Obscure(crop, false, true)
	if err != nil {
		t.Fatal(err)
	}
	if after := featureEnergy(decodeJPEG(t, out)); after > 0.01*before {
		t.Errorf("feature energy %.1f → %.1f, want under 1%%", before, after)
	}
}

func TestObscureGrey(t *testing.T) {
	crop := noiseJPEG(t, 96, 64, 4, 2)
	out, err := Obscure(crop, true, false)
	if err != nil {
		t.Fatal(err)
	}
	img := decodeJPEG(t, out)
	if img.Bounds() != image.Rect(0, 0, 96, 64) {
		t.Fatalf("bounds %v, want the crop's 96×64", img.Bounds())
	}
	var worst int
	for y := 0; y < 64; y++ {
		for x := 0; x < 96; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			worst = max(worst, spread(int(r>>8), int(g>>8), int(b>>8)))
		}
	}
	if worst > 4 {
		t.Errorf("a pixel's channels differ by %d: not grey", worst)
	}
	// Grey only: the detail stays.
	if before, after := featureEnergy(decodeJPEG(t, crop)), featureEnergy(img); after < 0.3*before {
		t.Errorf("grey alone took the detail away: %.1f → %.1f", before, after)
	}
}

func spread(v ...int) int {
	lo, hi := v[0], v[0]
	for _, x := range v[1:] {
		lo, hi = min(lo, x), max(hi, x)
	}
	return hi - lo
}

func TestObscureRefusesBadInput(t *testing.T) {
	crop := noiseJPEG(t, 64, 64, 4, 3)
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, imgfile.ErrEmpty},
		{"text", []byte("not a crop at all"), imgfile.ErrNotImage},
		{"truncated", crop[:len(crop)/2], imgfile.ErrTruncated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Obscure(tc.data, false, true)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}
