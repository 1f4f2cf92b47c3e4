//go:build cgo

package imaging

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gocv.io/x/gocv"

	"github.com/facetriage/facetriage/internal/face"
)

// sharpSide is the side at which sharpness is measured (dlib's chip size),
// so that faces of any size compare: the variance of the Laplacian of the
// tight face square in grey, resampled to 150 × 150.
const sharpSide = 150

// FaceCrop cuts, rotates and scales the face into an Out × Out image and
// returns it as JPEG with the face's sharpness. With quality 0 no JPEG is
// made and only the sharpness is measured.
func (p *Picture) FaceCrop(s face.CropSpec, quality int) ([]byte, float64, error) {
	if s.Side <= 0 || (quality > 0 && s.Out <= 0) {
		return nil, 0, fmt.Errorf("imaging: bad crop %+v", s)
	}
	tight := s
	tight.Pad = 0
	sharp := sharpness(p.warp(tight, sharpSide))
	if quality <= 0 {
		return nil, sharp, nil
	}
	chip := p.warp(s, s.Out)
	defer chip.Close()
	b, err := encodeJPEG(chip, quality)
	return b, sharp, err
}

// warp maps the face square onto an out × out image: dst = k·R·(src − c) + o.
func (p *Picture) warp(s face.CropSpec, out int) gocv.Mat {
	phi := math.Atan2(s.Up.Y, s.Up.X)
	if s.Up.X == 0 && s.Up.Y == 0 {
		phi = -math.Pi / 2
	}
	theta := -math.Pi/2 - phi
	k := float64(out) / (s.Side * (1 + 2*s.Pad))
	cos, sin := k*math.Cos(theta), k*math.Sin(theta)
	o := float64(out) / 2
	m := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer m.Close()
	m.SetDoubleAt(0, 0, cos)
	m.SetDoubleAt(0, 1, -sin)
	m.SetDoubleAt(0, 2, o-(cos*s.Center.X-sin*s.Center.Y))
	m.SetDoubleAt(1, 0, sin)
	m.SetDoubleAt(1, 1, cos)
	m.SetDoubleAt(1, 2, o-(sin*s.Center.X+cos*s.Center.Y))
	dst := gocv.NewMat()
	gocv.WarpAffineWithParams(p.mat, &dst, m, image.Pt(out, out), gocv.InterpolationLinear, gocv.BorderReplicate, color.RGBA{})
	return dst
}

// sharpness is the variance of the Laplacian of m in grey; it closes m.
func sharpness(m gocv.Mat) float64 {
	defer m.Close()
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(m, &grey, gocv.ColorBGRToGray)
	lap := gocv.NewMat()
	defer lap.Close()
	gocv.Laplacian(grey, &lap, gocv.MatTypeCV64F, 3, 1, 0, gocv.BorderDefault)
	mean, std := gocv.NewMat(), gocv.NewMat()
	defer mean.Close()
	defer std.Close()
	gocv.MeanStdDev(lap, &mean, &std)
	sd := std.GetDoubleAt(0, 0)
	return sd * sd
}
