package imgfile

import "bytes"

// Format is an image file format.
type Format string

// Supported formats.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	TIFF Format = "tiff"
	BMP  Format = "bmp"
	WebP Format = "webp"
	PNM  Format = "pnm"
)

// Sniff names the format from the file's first bytes, or returns "".
func Sniff(b []byte) Format {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return TIFF
	case bytes.HasPrefix(b, []byte("BM")) && len(b) >= 26:
		return BMP
	case len(b) >= 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return WebP
	case len(b) >= 3 && b[0] == 'P' && (b[1] == '5' || b[1] == '6') && isSpace(b[2]):
		return PNM
	}
	return ""
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
