package web

import (
	"fmt"
	"image"
)

// faceBox is a face drawn over a photo in an SVG: its rectangle, its
// number's place, the viewBox of a square thumbnail around it, and whether
// it is the chosen one.
type faceBox struct {
	Index, Number            int
	X, Y, W, H, TextX, TextY int
	// Thumb is the viewBox ("x y w h") of a square around the face, in the
	// photo's pixels: an <svg viewBox> over the photo's <image> shows the
	// face alone, from the one image the page already has.
	Thumb  string
	Chosen bool
}

// thumbPad is how much of a face's larger side a thumbnail shows around
// it, on each side: enough to tell faces apart by hair and neck.
const thumbPad = 0.35

// newFaceBox draws face index (0-based) of box r, its number placed above
// it at font size fontSize and stroke width stroke.
func newFaceBox(index int, r image.Rectangle, fontSize, stroke int, chosen bool) faceBox {
	return faceBox{Index: index, Number: index + 1, X: r.Min.X, Y: r.Min.Y, W: r.Dx(), H: r.Dy(),
		TextX: r.Min.X, TextY: max(fontSize, r.Min.Y-stroke*2), Thumb: viewBox(r, thumbPad), Chosen: chosen}
}

// viewBox is a square viewBox around r, padded by pad times r's larger side
// on each side. It may reach past the photo's edges: the SVG shows its
// background there.
func viewBox(r image.Rectangle, pad float64) string {
	side := max(r.Dx(), r.Dy())
	p := int(float64(side) * pad)
	cx, cy := (r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2
	full := side + 2*p
	return fmt.Sprintf("%d %d %d %d", cx-full/2, cy-full/2, full, full)
}

// union is the smallest rectangle holding every box.
func union(boxes []image.Rectangle) image.Rectangle {
	var u image.Rectangle
	for _, b := range boxes {
		u = u.Union(b)
	}
	return u
}
