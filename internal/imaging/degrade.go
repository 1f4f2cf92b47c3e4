//go:build cgo

package imaging

import (
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"

	"github.com/facetriage/facetriage/internal/imgfile"
)

// Degradation is a way archive photos are worse than a family's photo. The
// evaluation harness applies them to measure the engine under them.
type Degradation struct {
	// QuarterTurns turns the photo clockwise (bodies lying down).
	QuarterTurns int
	// Angle turns the photo clockwise by this many degrees, after the
	// quarter turns, on a canvas enlarged to hold it, the corners grey.
	Angle float64
	// Scale resizes the photo (faces far from the camera, small scans).
	Scale float64
	// BlurSigma is a Gaussian blur's sigma in pixels, after scaling.
	BlurSigma float64
	// Gain and Offset map each pixel v to Gain·v + Offset (low light and
	// low contrast when Gain < 1).
	Gain, Offset float64
	// Quality is the JPEG quality of the result (0: 95).
	Quality int
}

// Degrade decodes a photo, applies d, and returns it as JPEG.
func Degrade(data []byte, d Degradation) ([]byte, error) {
	p, _, err := Decode(data, imgfile.Limits{})
	if err != nil {
		return nil, err
	}
	defer p.Close()
	m := p.mat.Clone()
	defer func() { m.Close() }()
	replace := func(n gocv.Mat) {
		m.Close()
		m = n
	}
	if d.Scale > 0 && d.Scale != 1 {
		n := gocv.NewMat()
		sz := image.Pt(max(1, int(float64(m.Cols())*d.Scale+0.5)), max(1, int(float64(m.Rows())*d.Scale+0.5)))
		interp := gocv.InterpolationArea
		if d.Scale > 1 {
			interp = gocv.InterpolationLinear
		}
		gocv.Resize(m, &n, sz, 0, 0, interp)
		replace(n)
	}
	if d.BlurSigma > 0 {
		n := gocv.NewMat()
		gocv.GaussianBlur(m, &n, image.Point{}, d.BlurSigma, d.BlurSigma, gocv.BorderReflect101)
		replace(n)
	}
	if d.Gain > 0 && (d.Gain != 1 || d.Offset != 0) {
		n := gocv.NewMat()
		m.ConvertToWithParams(&n, gocv.MatTypeCV8UC3, float32(d.Gain), float32(d.Offset))
		replace(n)
	}
	if q := ((d.QuarterTurns % 4) + 4) % 4; q != 0 {
		n := gocv.NewMat()
		gocv.Rotate(m, &n, [...]gocv.RotateFlag{0, gocv.Rotate90Clockwise, gocv.Rotate180Clockwise, gocv.Rotate90CounterClockwise}[q])
		replace(n)
	}
	if a := math.Mod(d.Angle, 360); a != 0 {
		replace(turn(m, a))
	}
	q := d.Quality
	if q <= 0 {
		q = 95
	}
	b, err := encodeJPEG(m, q)
	if err != nil {
		return nil, fmt.Errorf("imaging: degrade: %w", err)
	}
	return b, nil
}
