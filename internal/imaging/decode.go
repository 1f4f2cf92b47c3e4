//go:build cgo

package imaging

import (
	"fmt"
	"image"

	"gocv.io/x/gocv"

	"github.com/facetriage/facetriage/internal/imgfile"
)

// Picture is a decoded photo, turned upright by its EXIF orientation, held
// as a BGR image in native memory. It is not safe for concurrent use.
type Picture struct {
	mat    gocv.Mat
	scaled gocv.Mat
	scale  float64
	// grey and greyScale cache the grey photo at one scale (warp.go).
	grey      gocv.Mat
	greyScale float64
}

// Decode inspects data (see imgfile.Inspect), decodes it and applies the
// EXIF orientation. Refusals wrap imgfile's sentinel errors.
func Decode(data []byte, lim imgfile.Limits) (*Picture, imgfile.Info, error) {
	info, err := imgfile.Inspect(data, lim)
	if err != nil {
		return nil, info, err
	}
	m, err := gocv.IMDecode(data, gocv.IMReadColor|gocv.IMReadIgnoreOrientation)
	if err != nil {
		return nil, info, fmt.Errorf("%w: %v", imgfile.ErrCorrupt, err)
	}
	if m.Empty() {
		m.Close()
		return nil, info, fmt.Errorf("%w: the %s decoder could not read it", imgfile.ErrCorrupt, info.Format)
	}
	if m.Cols() != info.Width || m.Rows() != info.Height {
		got := image.Pt(m.Cols(), m.Rows())
		m.Close()
		return nil, info, fmt.Errorf("%w: header says %d×%d, decoded %v", imgfile.ErrCorrupt, info.Width, info.Height, got)
	}
	if err := orient(&m, info.EXIF.Orientation); err != nil {
		m.Close()
		return nil, info, err
	}
	return &Picture{mat: m}, info, nil
}

// orient applies an EXIF orientation (1–8) in place.
func orient(m *gocv.Mat, o int) error {
	if o <= 1 || o > 8 {
		return nil
	}
	dst := gocv.NewMat()
	switch o {
	case 2:
		gocv.Flip(*m, &dst, 1)
	case 3:
		gocv.Rotate(*m, &dst, gocv.Rotate180Clockwise)
	case 4:
		gocv.Flip(*m, &dst, 0)
	case 5:
		gocv.Transpose(*m, &dst)
	case 6:
		gocv.Rotate(*m, &dst, gocv.Rotate90Clockwise)
	case 7:
		gocv.Transpose(*m, &dst)
		gocv.Rotate(dst, &dst, gocv.Rotate180Clockwise)
	case 8:
		gocv.Rotate(*m, &dst, gocv.Rotate90CounterClockwise)
	}
	m.Close()
	*m = dst
	return nil
}

// FromMat wraps an existing BGR image; the Picture takes ownership. It is
// meant for tests and benchmarks that synthesise images.
func FromMat(m gocv.Mat) *Picture { return &Picture{mat: m} }

// Size is the upright size in pixels.
func (p *Picture) Size() image.Point { return image.Pt(p.mat.Cols(), p.mat.Rows()) }

// Close releases the native memory. Safe to call twice.
func (p *Picture) Close() {
	if p == nil {
		return
	}
	p.mat.Close()
	p.scaled.Close()
	p.scale = 0
	p.grey.Close()
	p.greyScale = 0
}
