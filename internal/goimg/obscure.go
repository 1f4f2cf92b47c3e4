package goimg

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"

	"github.com/disintegration/imaging"

	"github.com/facetriage/facetriage/internal/imgfile"
)

// ObscureSigma is the blur applied to a face crop before anyone chooses to
// reveal it, as a share of the crop's side: enough that a face cannot be
// recognised, not so much that the viewer cannot tell it is a face.
const ObscureSigma = 0.06

// obscureQuality is the JPEG quality of an obscured crop.
const obscureQuality = 85

// Obscure returns a JPEG crop in grey and/or blurred (a Gaussian blur of
// sigma ObscureSigma × the longer side). The blur is applied here, on the
// server: the unblurred image is never sent until revealed. Refusals wrap
// imgfile's sentinel errors.
func Obscure(jpegData []byte, grey, blur bool) ([]byte, error) {
	img, _, err := Decode(jpegData, imgfile.Limits{})
	if err != nil {
		return nil, fmt.Errorf("goimg: obscure: %w", err)
	}
	if grey {
		img = imaging.Grayscale(img)
	}
	if blur {
		b := img.Bounds()
		img = imaging.Blur(img, ObscureSigma*float64(max(b.Dx(), b.Dy())))
	}
	return encodeJPEG(img, obscureQuality)
}

func encodeJPEG(img image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("goimg: encode JPEG: %w", err)
	}
	return buf.Bytes(), nil
}
