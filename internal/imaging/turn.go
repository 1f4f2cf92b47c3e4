//go:build cgo

package imaging

import (
	"image"
	"math"

	"gocv.io/x/gocv"
)

// turn returns m turned clockwise by deg degrees about its centre, on a
// canvas enlarged to hold all of it, the corners mid grey: a body
// photographed at any angle.
func turn(m gocv.Mat, deg float64) gocv.Mat {
	w, h := float64(m.Cols()), float64(m.Rows())
	s, c := math.Sincos(deg * math.Pi / 180)
	cw, ch := math.Abs(w*c)+math.Abs(h*s), math.Abs(w*s)+math.Abs(h*c)
	size := image.Pt(int(math.Ceil(cw-1e-6)), int(math.Ceil(ch-1e-6)))
	// dst = R·(src − centre) + new centre, in pixel indices.
	a := [6]float64{c, -s, 0, s, c, 0}
	sx, sy := (w-1)/2, (h-1)/2
	dx, dy := (float64(size.X)-1)/2, (float64(size.Y)-1)/2
	a[2] = dx - (c*sx - s*sy)
	a[5] = dy - (s*sx + c*sy)
	dst := gocv.NewMat()
	warpInto(m, &dst, a, size, gocv.InterpolationLinear)
	return dst
}
