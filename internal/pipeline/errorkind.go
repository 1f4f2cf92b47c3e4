package pipeline

import (
	"errors"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imgfile"
)

// ErrorKind names the class of a photo error, as `embed --json` does: empty,
// not_image, truncated, too_large, too_small, corrupt, no_face, panic (a
// stage panicked: ErrPanic), or "".
func ErrorKind(err error) string {
	for _, k := range []struct {
		err  error
		kind string
	}{
		{imgfile.ErrEmpty, "empty"}, {imgfile.ErrNotImage, "not_image"}, {imgfile.ErrTruncated, "truncated"},
		{imgfile.ErrTooLarge, "too_large"}, {imgfile.ErrTooSmall, "too_small"}, {imgfile.ErrCorrupt, "corrupt"},
		{face.ErrNoFace, "no_face"}, {ErrPanic, "panic"},
	} {
		if errors.Is(err, k.err) {
			return k.kind
		}
	}
	return ""
}
