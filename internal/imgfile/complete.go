package imgfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// complete reports ErrTruncated when the file ends before its image data.
// Decoders such as libjpeg otherwise return a partly grey image with only a
// warning, and a face found in it would be evidence of nothing.
func complete(f Format, b []byte, w, h int) error {
	var ok bool
	switch f {
	case JPEG:
		ok = jpegComplete(b)
	case PNG:
		ok = pngComplete(b)
	case WebP:
		ok = len(b) >= 8+int(binary.LittleEndian.Uint32(b[4:8]))
	case PNM:
		hdr, err := parsePNM(b)
		if err != nil {
			return err
		}
		ok = int64(len(b)-hdr.size) >= hdr.dataBytes()
	case BMP:
		ok = bmpComplete(b, w, h)
	default:
		ok = true // TIFF: the decoder reports a short strip as an error
	}
	if !ok {
		return fmt.Errorf("%w: %s ends after %d bytes", ErrTruncated, f, len(b))
	}
	return nil
}

// jpegComplete walks the marker segments up to the first scan, then looks
// for the end-of-image marker. Entropy-coded data never holds 0xFFD9, and
// an EXIF thumbnail's EOI sits inside a skipped APP segment.
func jpegComplete(b []byte) bool {
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return false
		}
		m := b[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
			continue
		case m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01:
			i += 2
			continue
		case m == 0xD9:
			return false // EOI before any scan
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if m == 0xDA {
			return bytes.Contains(b[i+2+n:], []byte{0xFF, 0xD9})
		}
		i += 2 + n
	}
	return false
}

// pngComplete follows the chunk lengths to the IEND chunk.
func pngComplete(b []byte) bool {
	i := 8
	for i+12 <= len(b) {
		n := int(binary.BigEndian.Uint32(b[i:]))
		if n < 0 || n > len(b) {
			return false
		}
		typ := string(b[i+4 : i+8])
		i += 12 + n
		if i > len(b) {
			return false
		}
		if typ == "IEND" {
			return true
		}
	}
	return false
}

// bmpComplete checks the pixel array of an uncompressed BMP.
func bmpComplete(b []byte, w, h int) bool {
	if len(b) < 34 {
		return false
	}
	off := int64(binary.LittleEndian.Uint32(b[10:]))
	bpp := int64(binary.LittleEndian.Uint16(b[28:]))
	if compression := binary.LittleEndian.Uint32(b[30:]); compression != 0 {
		return int64(len(b)) > off
	}
	row := (bpp*int64(w) + 31) / 32 * 4
	return int64(len(b)) >= off+row*int64(h)
}
