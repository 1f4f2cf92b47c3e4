//go:build cgo

package imaging

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gocv.io/x/gocv"
)

// canvasGrey fills the parts of a turned view that lie outside the photo:
// mid grey, which gives the detector no edges to fire on.
var canvasGrey = color.RGBA{R: 128, G: 128, B: 128}

// GreyWarp returns a grey view of the picture for a detector: the photo
// scaled by scale (area interpolation, cached for the next call with the
// same scale), then mapped by the affine m (a row-major 2×3 matrix from
// scaled-photo pixels to view pixels) onto a size canvas. The result is
// size.X × size.Y bytes, row after row.
func (p *Picture) GreyWarp(scale float64, m [6]float64, size image.Point) ([]byte, error) {
	if size.X <= 0 || size.Y <= 0 {
		return nil, fmt.Errorf("imaging: bad view size %v", size)
	}
	src, err := p.greyScaled(scale)
	if err != nil {
		return nil, err
	}
	dst := gocv.NewMat()
	defer dst.Close()
	if isIdentity(m) && size == image.Pt(src.Cols(), src.Rows()) {
		src.CopyTo(&dst)
	} else {
		warpInto(src, &dst, m, size, gocv.InterpolationLinear)
	}
	b := dst.ToBytes()
	if len(b) != size.X*size.Y {
		return nil, fmt.Errorf("imaging: grey view of %d bytes, want %d", len(b), size.X*size.Y)
	}
	return b, nil
}

// WarpJPEG returns a colour view of the picture as JPEG: the photo scaled
// by scale (cached, as View does), then mapped by the affine m (from
// scaled-photo pixels to view pixels) onto a size canvas.
func (p *Picture) WarpJPEG(scale float64, m [6]float64, size image.Point, quality int) ([]byte, error) {
	if size.X <= 0 || size.Y <= 0 {
		return nil, fmt.Errorf("imaging: bad view size %v", size)
	}
	src, err := p.scaledMat(scale)
	if err != nil {
		return nil, err
	}
	dst := gocv.NewMat()
	defer dst.Close()
	warpInto(src, &dst, m, size, gocv.InterpolationLinear)
	return encodeJPEG(dst, quality)
}

func (p *Picture) greyScaled(scale float64) (gocv.Mat, error) {
	if scale <= 0 || math.IsNaN(scale) {
		return gocv.Mat{}, fmt.Errorf("imaging: bad scale %v", scale)
	}
	if p.greyScale == scale && !p.grey.Empty() {
		return p.grey, nil
	}
	g := gocv.NewMat()
	gocv.CvtColor(p.mat, &g, gocv.ColorBGRToGray)
	if scale != 1 {
		s := gocv.NewMat()
		interp := gocv.InterpolationArea
		if scale > 1 {
			interp = gocv.InterpolationLinear
		}
		gocv.Resize(g, &s, p.ScaledSize(scale), 0, 0, interp)
		g.Close()
		g = s
	}
	p.grey.Close()
	p.grey, p.greyScale = g, scale
	return p.grey, nil
}

func warpInto(src gocv.Mat, dst *gocv.Mat, m [6]float64, size image.Point, interp gocv.InterpolationFlags) {
	a := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer a.Close()
	for i, v := range m {
		a.SetDoubleAt(i/3, i%3, v)
	}
	gocv.WarpAffineWithParams(src, dst, a, size, interp, gocv.BorderConstant, canvasGrey)
}

func isIdentity(m [6]float64) bool { return m == [6]float64{1, 0, 0, 0, 1, 0} }
