package imgfile

import (
	"fmt"
	"strconv"
)

// pnmHeader is the header of a binary PGM (P5) or PPM (P6) file.
type pnmHeader struct {
	channels      int
	width, height int
	maxval        int
	size          int // header bytes, up to and including the single whitespace
}

func (h pnmHeader) dataBytes() int64 {
	bps := int64(1)
	if h.maxval > 255 {
		bps = 2
	}
	return int64(h.width) * int64(h.height) * int64(h.channels) * bps
}

// parsePNM reads "P5|P6 <ws> width <ws> height <ws> maxval <one ws>", with
// '#' comments allowed between tokens.
func parsePNM(b []byte) (pnmHeader, error) {
	h := pnmHeader{channels: 1}
	if b[1] == '6' {
		h.channels = 3
	}
	i := 2
	var vals [3]int
	for k := range vals {
		for i < len(b) && (isSpace(b[i]) || b[i] == '#') {
			if b[i] == '#' {
				for i < len(b) && b[i] != '\n' {
					i++
				}
				continue
			}
			i++
		}
		j := i
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == i || j >= len(b) {
			return h, fmt.Errorf("%w: PNM header", ErrTruncated)
		}
		v, err := strconv.Atoi(string(b[i:j]))
		if err != nil || v <= 0 {
			return h, fmt.Errorf("%w: PNM header value %q", ErrCorrupt, b[i:j])
		}
		vals[k] = v
		i = j
	}
	if !isSpace(b[i]) {
		return h, fmt.Errorf("%w: PNM header", ErrCorrupt)
	}
	h.width, h.height, h.maxval, h.size = vals[0], vals[1], vals[2], i+1
	if h.maxval > 65535 {
		return h, fmt.Errorf("%w: PNM maxval %d", ErrCorrupt, h.maxval)
	}
	return h, nil
}
