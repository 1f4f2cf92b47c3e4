//go:build cgo

package native

import (
	"testing"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/testfile"
)

// TestEXIFOrientation stores tzuyu.jpg turned a quarter anticlockwise with
// EXIF orientation 6 ("turn 90° clockwise to display"): the engine must see
// it upright, in upright coordinates, as a viewer shows it.
func TestEXIFOrientation(t *testing.T) {
	e := testEngine(t)
	data := tzuyu(t)
	ref := embed(t, e.Engine, data)
	stored := testfile.WithOrientation(rotatedJPEG(t, data, 3), 6)
	r := embed(t, e.Engine, stored)
	if r.Info.EXIF.Orientation != 6 {
		t.Fatalf("EXIF orientation %d, want 6", r.Info.EXIF.Orientation)
	}
	if r.Width != ref.Width || r.Height != ref.Height {
		t.Fatalf("upright size %d×%d, want %d×%d", r.Width, r.Height, ref.Width, ref.Height)
	}
	if len(r.Faces) != 1 {
		t.Fatalf("%d faces, want 1", len(r.Faces))
	}
	f := r.Faces[0]
	if f.Rotation != 0 {
		t.Errorf("found at %d°, want 0° (the orientation is applied first)", f.Rotation)
	}
	if d := f.Box.Rect().Min.Sub(ref.Faces[0].Box.Rect().Min); abs(d.X) > 4 || abs(d.Y) > 4 {
		t.Errorf("box %v, upright photo's %v", f.Box, ref.Faces[0].Box)
	}
	if d := f.Descriptor.Distance(ref.Faces[0].Descriptor); d > 0.1 {
		t.Errorf("descriptor %.3f from the upright photo's", d)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestSidewaysFaceGeometry turns the photo 90° clockwise: the face must be
// found at 270° (turning back), with its box where the face now is.
func TestSidewaysFaceGeometry(t *testing.T) {
	e := testEngine(t)
	data := tzuyu(t)
	ref := embed(t, e.Engine, data)
	r := embed(t, e.Engine, rotatedJPEG(t, data, 1))
	if len(r.Faces) != 1 {
		t.Fatalf("%d faces, want 1", len(r.Faces))
	}
	f := r.Faces[0]
	if f.Rotation != 270 {
		t.Errorf("found at %d°, want 270°", f.Rotation)
	}
	// Turning 90° clockwise maps (x, y) to (H − y, x).
	b := ref.Faces[0].Box.Rect()
	want := face.Box{Min: b.Min, Max: b.Max}
	want.Min.X, want.Max.X = ref.Height-b.Max.Y, ref.Height-b.Min.Y
	want.Min.Y, want.Max.Y = b.Min.X, b.Max.X
	got := f.Box.Rect()
	if d := got.Min.Sub(want.Min); abs(d.X) > 6 || abs(d.Y) > 6 {
		t.Errorf("box %v, want about %v", f.Box, want)
	}
	if up, ok := face.Up(f.Landmarks); !ok || up.X < 0.8 {
		t.Errorf("landmarks say the head points %+v, want right (+x)", up)
	}
}
