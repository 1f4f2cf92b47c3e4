package goimg

import (
	"image"

	"github.com/disintegration/imaging"
)

// Orient returns img as a viewer shows it under EXIF orientation o (1–8);
// any other value leaves it as it is.
func Orient(img image.Image, o int) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img) // 270° anticlockwise: a quarter turn clockwise
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img) // a quarter turn anticlockwise
	}
	return img
}
