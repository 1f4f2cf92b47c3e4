package imaging

import (
	"fmt"
	"image"

	"gocv.io/x/gocv"

	"github.com/facetriage/facetriage/internal/imgfile"
)

// ObscureSigma is the blur applied to a face crop before anyone chooses to
// reveal it, as a share of the crop's side: enough that a face cannot be
// recognised, not so much that the viewer cannot tell it is a face.
const ObscureSigma = 0.06

// Obscure returns a JPEG crop in grey and/or blurred. The blur is applied
// here, on the server: the unblurred image is never sent until revealed.
func Obscure(jpeg []byte, grey, blur bool) ([]byte, error) {
	p, _, err := Decode(jpeg, imgfile.Limits{})
	if err != nil {
		return nil, err
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
		sigma := ObscureSigma * float64(max(m.Cols(), m.Rows()))
		b := gocv.NewMat()
		gocv.GaussianBlur(m, &b, image.Point{}, sigma, sigma, gocv.BorderReflect101)
		m.Close()
		m = b
	}
	out, err := encodeJPEG(m, 85)
	if err != nil {
		return nil, fmt.Errorf("imaging: obscure: %w", err)
	}
	return out, nil
}
