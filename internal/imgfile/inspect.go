package imgfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// Limits bound what Inspect accepts.
type Limits struct {
	// MaxPixels is the pixel budget: width × height above it is refused.
	MaxPixels int64
	// MinSide is the smallest width or height accepted.
	MinSide int
}

// Info is what the file's headers say.
type Info struct {
	Format Format
	// Width and Height are as stored, before the EXIF orientation.
	Width, Height int
	EXIF          EXIF
}

// Inspect checks data without decoding the pixels. Every refusal wraps one
// of the sentinel errors.
func Inspect(data []byte, lim Limits) (Info, error) {
	if len(data) == 0 {
		return Info{}, ErrEmpty
	}
	info := Info{Format: Sniff(data)}
	if info.Format == "" {
		return info, ErrNotImage
	}
	var err error
	info.Width, info.Height, err = dimensions(info.Format, data)
	if err != nil {
		return info, err
	}
	if info.Width <= 0 || info.Height <= 0 {
		return info, fmt.Errorf("%w: %s declares %d×%d pixels", ErrCorrupt, info.Format, info.Width, info.Height)
	}
	if px := int64(info.Width) * int64(info.Height); lim.MaxPixels > 0 && px > lim.MaxPixels {
		return info, fmt.Errorf("%w: %d×%d = %d pixels, budget %d", ErrTooLarge, info.Width, info.Height, px, lim.MaxPixels)
	}
	if min(info.Width, info.Height) < lim.MinSide {
		return info, fmt.Errorf("%w: %d×%d, need at least %d pixels a side", ErrTooSmall, info.Width, info.Height, lim.MinSide)
	}
	if err := complete(info.Format, data, info.Width, info.Height); err != nil {
		return info, err
	}
	info.EXIF = readEXIF(info.Format, data)
	return info, nil
}

func dimensions(f Format, data []byte) (int, int, error) {
	var cfg image.Config
	var err error
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		cfg, err = jpeg.DecodeConfig(r)
	case PNG:
		cfg, err = png.DecodeConfig(r)
	case TIFF:
		cfg, err = tiff.DecodeConfig(r)
	case WebP:
		cfg, err = webp.DecodeConfig(r)
	case BMP:
		return bmpDimensions(data)
	case PNM:
		h, err := parsePNM(data)
		return h.width, h.height, err
	}
	if err != nil {
		return 0, 0, headerError(f, err)
	}
	return cfg.Width, cfg.Height, nil
}

// headerError tells a header cut short from one that is malformed.
func headerError(f Format, err error) error {
	if err.Error() == "unexpected EOF" || err.Error() == "EOF" {
		return fmt.Errorf("%w: %s header: %v", ErrTruncated, f, err)
	}
	return fmt.Errorf("%w: %s header: %v", ErrCorrupt, f, err)
}

func bmpDimensions(b []byte) (int, int, error) {
	if len(b) < 26 {
		return 0, 0, fmt.Errorf("%w: BMP header", ErrTruncated)
	}
	w := int32(binary.LittleEndian.Uint32(b[18:]))
	h := int32(binary.LittleEndian.Uint32(b[22:]))
	if h < 0 {
		h = -h
	}
	return int(w), int(h), nil
}
