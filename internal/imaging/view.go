//go:build cgo

package imaging

import (
	"fmt"
	"image"
	"math"

	"gocv.io/x/gocv"
)

// View returns the picture scaled by scale and then rotated clockwise by
// quarter turns, as JPEG bytes at the given quality, with the view's size.
// The scaled image is kept for the next call with the same scale, so a
// rotation sweep resizes once.
func (p *Picture) View(quarterTurns int, scale float64, quality int) ([]byte, image.Point, error) {
	src, err := p.scaledMat(scale)
	if err != nil {
		return nil, image.Point{}, err
	}
	m := src
	var rotated gocv.Mat
	if q := ((quarterTurns % 4) + 4) % 4; q != 0 {
		rotated = gocv.NewMat()
		defer rotated.Close()
		gocv.Rotate(src, &rotated, [...]gocv.RotateFlag{0, gocv.Rotate90Clockwise, gocv.Rotate180Clockwise, gocv.Rotate90CounterClockwise}[q])
		m = rotated
	}
	b, err := encodeJPEG(m, quality)
	return b, image.Pt(m.Cols(), m.Rows()), err
}

// ScaledSize is the size of the view at scale, before rotation.
func (p *Picture) ScaledSize(scale float64) image.Point {
	if scale == 1 {
		return p.Size()
	}
	return image.Pt(max(1, int(math.Round(float64(p.mat.Cols())*scale))), max(1, int(math.Round(float64(p.mat.Rows())*scale))))
}

func (p *Picture) scaledMat(scale float64) (gocv.Mat, error) {
	if scale <= 0 || math.IsNaN(scale) {
		return gocv.Mat{}, fmt.Errorf("imaging: bad scale %v", scale)
	}
	if scale == 1 {
		return p.mat, nil
	}
	if p.scale == scale {
		return p.scaled, nil
	}
	p.scaled.Close()
	p.scaled = gocv.NewMat()
	interp := gocv.InterpolationArea
	if scale > 1 {
		interp = gocv.InterpolationLinear
	}
	gocv.Resize(p.mat, &p.scaled, p.ScaledSize(scale), 0, 0, interp)
	p.scale = scale
	return p.scaled, nil
}

func encodeJPEG(m gocv.Mat, quality int) ([]byte, error) {
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, m, []int{gocv.IMWriteJpegQuality, quality})
	if err != nil {
		return nil, fmt.Errorf("imaging: encode JPEG: %w", err)
	}
	defer buf.Close()
	return append([]byte(nil), buf.GetBytes()...), nil
}
