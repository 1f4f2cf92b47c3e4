package imgfile

import "errors"

// Sentinel errors for files that are refused. They are permanent: retrying
// the same bytes gives the same answer. Messages wrapping them add detail.
var (
	// ErrEmpty: the file has no bytes.
	ErrEmpty = errors.New("empty file")
	// ErrNotImage: the bytes are not in any supported image format.
	ErrNotImage = errors.New("not an image (supported: JPEG, PNG, TIFF, BMP, WebP, PGM/PPM)")
	// ErrTruncated: the file ends before the image data does.
	ErrTruncated = errors.New("truncated image file")
	// ErrTooLarge: the image declares more pixels than the budget allows.
	ErrTooLarge = errors.New("image exceeds the pixel budget")
	// ErrTooSmall: the image is too small to hold a face.
	ErrTooSmall = errors.New("image too small to hold a face")
	// ErrCorrupt: the header is readable but the image data is not.
	ErrCorrupt = errors.New("corrupt image data")
)
