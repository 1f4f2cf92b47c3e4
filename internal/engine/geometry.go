package engine

import (
	"image"
	"math"

	"github.com/facetriage/facetriage/internal/face"
)

// view describes how a detector's image was made from the photo: scaled by
// scale to size (w, h), then turned clockwise by q quarter turns.
type view struct {
	scale float64
	w, h  float64
	q     int
}

// toPhoto maps a continuous point of the view back to the photo.
func (v view) toPhoto(u, t float64) (float64, float64) {
	var x, y float64
	switch v.q {
	case 0:
		x, y = u, t
	case 1: // (x, y) → (h − y, x)
		x, y = t, v.h-u
	case 2: // (x, y) → (w − x, h − y)
		x, y = v.w-u, v.h-t
	case 3: // (x, y) → (y, w − x)
		x, y = v.w-t, u
	}
	return x / v.scale, y / v.scale
}

// rect maps a view rectangle (edges) to the photo.
func (v view) rect(r image.Rectangle) image.Rectangle {
	x0, y0 := v.toPhoto(float64(r.Min.X), float64(r.Min.Y))
	x1, y1 := v.toPhoto(float64(r.Max.X), float64(r.Max.Y))
	return image.Rect(round(x0), round(y0), round(x1), round(y1)) // image.Rect orders the corners
}

// point maps a view pixel to the photo pixel whose centre it lands in.
func (v view) point(p image.Point) image.Point {
	x, y := v.toPhoto(float64(p.X)+0.5, float64(p.Y)+0.5)
	return image.Pt(int(math.Floor(x)), int(math.Floor(y)))
}

func round(f float64) int { return int(math.Round(f)) }

// detectionScale is the scale at which a photo of size s is searched.
func (o Options) detectionScale(s image.Point) float64 {
	long := max(s.X, s.Y)
	switch {
	case long > o.maxSide():
		return float64(o.maxSide()) / float64(long)
	case long < o.upsampleBelow():
		return math.Min(2, float64(o.maxSide())/float64(long))
	}
	return 1
}

// candidate is one detection mapped to the photo.
type candidate struct {
	face.Face
	upright float64 // uprightScore of the descriptor
}

func toCandidate(d face.Detection, v view, r face.Rotation, det face.Detector) candidate {
	c := candidate{Face: face.Face{
		Box:        face.Box(v.rect(d.Rect)),
		Descriptor: d.Descriptor,
		Rotation:   r,
		Detector:   det,
	}}
	c.Landmarks = make([]image.Point, len(d.Landmarks))
	for i, p := range d.Landmarks {
		c.Landmarks[i] = v.point(p)
	}
	b := c.Box.Rect()
	c.Size = (b.Dx() + b.Dy()) / 2
	c.upright = UprightScore(d.Descriptor)
	return c
}
