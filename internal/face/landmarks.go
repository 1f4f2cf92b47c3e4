package face

import (
	"encoding/json"
	"image"
	"math"
)

// Vec is a point or direction in photo pixels.
type Vec struct{ X, Y float64 }

func mean(pts []image.Point) Vec {
	var v Vec
	for _, p := range pts {
		v.X += float64(p.X)
		v.Y += float64(p.Y)
	}
	n := float64(len(pts))
	return Vec{v.X / n, v.Y / n}
}

// EyesAndMouth returns the centre of the eyes and a point below them on the
// face's midline (the nose base for dlib's 5-point model, the mouth centre
// for the 68-point model). ok is false for other shapes.
func EyesAndMouth(lm []image.Point) (eyes, below Vec, ok bool) {
	switch len(lm) {
	case 5: // dlib 5-point: 0–1 one eye's corners, 2–3 the other's, 4 the nose base
		return mean(lm[0:4]), mean(lm[4:5]), true
	case 68: // iBUG: 36–47 eyes, 48–67 mouth
		return mean(lm[36:48]), mean(lm[48:68]), true
	}
	return Vec{}, Vec{}, false
}

// Up is the unit direction from below the eyes towards them: where the top
// of the head points in the photo. ok is false without usable landmarks.
func Up(lm []image.Point) (Vec, bool) {
	eyes, below, ok := EyesAndMouth(lm)
	if !ok {
		return Vec{}, false
	}
	d := Vec{eyes.X - below.X, eyes.Y - below.Y}
	n := math.Hypot(d.X, d.Y)
	if n == 0 {
		return Vec{}, false
	}
	return Vec{d.X / n, d.Y / n}, true
}

// RotationOf is the quarter turn that brings a face whose head points along
// up closest to upright.
func RotationOf(up Vec) Rotation {
	// Angle of up measured clockwise from straight up (0, −1).
	deg := math.Atan2(up.X, -up.Y) * 180 / math.Pi
	// Turning the photo clockwise by r turns the head by r as well; the
	// head points at deg, so r = −deg brings it to 0.
	r := int(math.Round(-deg/90)) * 90
	return Rotation(((r % 360) + 360) % 360)
}

// Landmarks are a face's shape points, in photo pixels. Their JSON is
// [{"x": …, "y": …}, …]; points written as image.Point's own JSON
// ({"X": …, "Y": …}, as face records were stored before) read too, since
// encoding/json matches names whatever their case.
type Landmarks []image.Point

// MarshalJSON writes the points with lower-case names.
func (l Landmarks) MarshalJSON() ([]byte, error) {
	type point struct {
		X int `json:"x"`
		Y int `json:"y"`
	}
	if l == nil {
		return []byte("null"), nil
	}
	out := make([]point, len(l))
	for i, p := range l {
		out[i] = point{p.X, p.Y}
	}
	return json.Marshal(out)
}
