//go:build cgo

package imaging

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/goimg"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/testenv"
)

// obscureOpenCV is how crops were obscured before goimg.Obscure, with
// OpenCV: the reference the pure-Go blur is held to.
func obscureOpenCV(t *testing.T, crop []byte, grey, blur bool) []byte {
	t.Helper()
	p, _, err := Decode(crop, imgfile.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	m := p.mat.Clone()
	defer func() { m.Close() }()
	if grey {
		g := gocv.NewMat()
		gocv.CvtColor(m, &g, gocv.ColorBGRToGray)
		m.Close()
		m = gocv.NewMat()
		gocv.CvtColor(g, &m, gocv.ColorGrayToBGR)
		g.Close()
	}
	if blur {
		sigma := goimg.ObscureSigma * float64(max(m.Cols(), m.Rows()))
		b := gocv.NewMat()
		gocv.GaussianBlur(m, &b, image.Point{}, sigma, sigma, gocv.BorderReflect101)
		m.Close()
		m = b
	}
	out, err := encodeJPEG(m, 85)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestObscureMatchesOpenCV obscures face crops made by the engine's own
// crop code both ways: the pure-Go blur that every build now uses must
// give what OpenCV gave, within JPEG's rounding, away from the border
// (OpenCV reflects the image there, goimg's blur renormalises its kernel).
func TestObscureMatchesOpenCV(t *testing.T) {
	dir := testenv.GoFaceImages(t)
	for _, name := range []string{"tzuyu.jpg", "jimin.jpg", "bona.jpg"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			crop := centreCrop(t, data)
			for _, mode := range []struct{ grey, blur bool }{{false, true}, {true, true}, {true, false}} {
				want := decodeStd(t, obscureOpenCV(t, crop, mode.grey, mode.blur))
				got, err := goimg.Obscure(crop, mode.grey, mode.blur)
				if err != nil {
					t.Fatal(err)
				}
				inner, all := meanAbsDiff(want, decodeStd(t, got), 24), meanAbsDiff(want, decodeStd(t, got), 0)
				t.Logf("grey %v blur %v: mean difference %.2f inside, %.2f overall (of 255)", mode.grey, mode.blur, inner, all)
				if inner > 1.5 || all > 3 {
					t.Errorf("grey %v blur %v: differs from OpenCV by %.2f inside, %.2f overall", mode.grey, mode.blur, inner, all)
				}
			}
		})
	}
}

// centreCrop is a 256 × 256 JPEG cut from the middle of a photo with the
// engine's crop code.
func centreCrop(t *testing.T, data []byte) []byte {
	t.Helper()
	p, _, err := Decode(data, imgfile.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s := p.Size()
	spec := face.CropSpec{Center: face.Vec{X: float64(s.X) / 2, Y: float64(s.Y) / 2}, Up: face.Vec{Y: -1},
		Side: float64(min(s.X, s.Y)) / 1.6, Pad: 0.3, Out: 256}
	b, _, err := p.FaceCrop(spec, 90)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeStd(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// meanAbsDiff is the mean absolute difference of the 8-bit channels of a
// and b, leaving out a margin of border pixels.
func meanAbsDiff(a, b image.Image, border int) float64 {
	r := a.Bounds().Inset(border)
	var s float64
	var n int
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, _ := a.At(x, y).RGBA()
			br, bg, bb, _ := b.At(x, y).RGBA()
			for _, d := range []int{int(ar>>8) - int(br>>8), int(ag>>8) - int(bg>>8), int(ab>>8) - int(bb>>8)} {
				s += float64(max(d, -d))
				n++
			}
		}
	}
	return s / float64(n)
}
