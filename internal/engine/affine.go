package engine

import (
	"image"
	"math"

	"github.com/facetriage/facetriage/internal/face"
)

// affine is a 2×3 matrix [a b c; d e f] mapping (x, y) to
// (a·x + b·y + c, d·x + e·y + f), in continuous pixel coordinates (a pixel
// i covers [i, i+1)).
type affine [6]float64

func (m affine) apply(p face.Vec) face.Vec {
	return face.Vec{X: m[0]*p.X + m[1]*p.Y + m[2], Y: m[3]*p.X + m[4]*p.Y + m[5]}
}

// then is the map m followed by n.
func (m affine) then(n affine) affine {
	return affine{
		n[0]*m[0] + n[1]*m[3], n[0]*m[1] + n[1]*m[4], n[0]*m[2] + n[1]*m[5] + n[2],
		n[3]*m[0] + n[4]*m[3], n[3]*m[1] + n[4]*m[4], n[3]*m[2] + n[4]*m[5] + n[5],
	}
}

func (m affine) inverse() affine {
	det := m[0]*m[4] - m[1]*m[3]
	a, b, d, e := m[4]/det, -m[1]/det, -m[3]/det, m[0]/det
	return affine{a, b, -(a*m[2] + b*m[5]), d, e, -(d*m[2] + e*m[5])}
}

// index is the same map between pixel indices (pixel centres at integers),
// the convention of OpenCV's warpAffine.
func (m affine) index() [6]float64 {
	c := m.apply(face.Vec{X: 0.5, Y: 0.5})
	return [6]float64{m[0], m[1], c.X - 0.5, m[3], m[4], c.Y - 0.5}
}

func translate(x, y float64) affine { return affine{1, 0, x, 0, 1, y} }
func scaling(k float64) affine      { return affine{k, 0, 0, 0, k, 0} }

// turning turns clockwise by deg degrees about the origin (y points down).
func turning(deg float64) affine {
	s, c := math.Sincos(deg * math.Pi / 180)
	return affine{c, -s, 0, s, c, 0}
}

// turnedView turns an image of size (w, h) clockwise by deg about its
// centre onto a canvas just large enough to hold all of it, and returns
// the map and the canvas size. Quarter turns give the exact sizes of a
// plain rotation.
func turnedView(w, h, deg float64) (affine, image.Point) {
	s, c := math.Sincos(deg * math.Pi / 180)
	cw := math.Abs(w*c) + math.Abs(h*s)
	ch := math.Abs(w*s) + math.Abs(h*c)
	size := image.Pt(int(math.Ceil(cw-1e-6)), int(math.Ceil(ch-1e-6)))
	m := translate(-w/2, -h/2).then(turning(deg)).then(translate(float64(size.X)/2, float64(size.Y)/2))
	return m, size
}

// turnOf is the clockwise turn, in degrees in [0, 360), that brings a head
// pointing along up to point straight up.
func turnOf(up face.Vec) float64 {
	deg := -math.Atan2(up.X, -up.Y) * 180 / math.Pi
	return math.Mod(deg+360, 360)
}

// upAt is the direction of a head in the photo that a clockwise turn by
// deg makes upright.
func upAt(deg float64) face.Vec {
	s, c := math.Sincos(deg * math.Pi / 180)
	return face.Vec{X: -s, Y: -c}
}

// angleBetween is the absolute difference of two angles in degrees, in [0, 180].
func angleBetween(a, b float64) float64 {
	d := math.Mod(math.Abs(a-b), 360)
	return math.Min(d, 360-d)
}
