package face

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"math"
)

// ErrNoFace is the error of a photo in which no face was found. The
// pipeline records such photos like failures, so operators can list them.
var ErrNoFace = errors.New("no face found")

// Dim is the length of a dlib face descriptor.
const Dim = 128

// Descriptor is dlib's 128-d face embedding. Faces of one person lie within
// about 0.6 of each other (euclidean); see thresholds.go.
type Descriptor [Dim]float32

// Distance is the euclidean distance between two descriptors.
func (d Descriptor) Distance(o Descriptor) float64 { return math.Sqrt(d.SquaredDistance(o)) }

// SquaredDistance is the squared euclidean distance.
func (d Descriptor) SquaredDistance(o Descriptor) float64 {
	var s float64
	for i := range d {
		x := float64(d[i] - o[i])
		s += x * x
	}
	return s
}

// Rotation is the clockwise turn, in degrees (0, 90, 180 or 270), that makes
// a face upright: the detector found the face after the photo was turned by
// it. A body photographed with its head to the left has Rotation 90.
type Rotation int

// Rotations lists the quarter turns of the rotation sweep.
var Rotations = []Rotation{0, 90, 180, 270}

// QuarterTurns is the rotation in clockwise quarter turns.
func (r Rotation) QuarterTurns() int { return int(r) / 90 }

// Detector names the face detector that found a face.
type Detector string

// Detectors go-face offers.
const (
	// HOG is dlib's frontal face detector (histogram of oriented gradients).
	HOG Detector = "hog"
	// CNN is dlib's MMOD convolutional detector: about 30× slower than HOG.
	CNN Detector = "cnn"
)

// Box is an axis-aligned rectangle in the photo's upright pixels.
type Box image.Rectangle

// MarshalJSON writes [x0, y0, x1, y1].
func (b Box) MarshalJSON() ([]byte, error) {
	return json.Marshal([4]int{b.Min.X, b.Min.Y, b.Max.X, b.Max.Y})
}

// UnmarshalJSON reads [x0, y0, x1, y1].
func (b *Box) UnmarshalJSON(data []byte) error {
	var v [4]int
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("face: box: %w", err)
	}
	*b = Box(image.Rect(v[0], v[1], v[2], v[3]))
	return nil
}

// Rect returns the box as an image.Rectangle.
func (b Box) Rect() image.Rectangle { return image.Rectangle(b) }

// Face is one face found in a photo. Coordinates are in the photo's upright
// pixels (after the EXIF orientation), whatever scale and rotation found it.
type Face struct {
	Box Box `json:"box"`
	// Landmarks are dlib's shape points (5 or 68), in photo pixels.
	Landmarks  Landmarks  `json:"landmarks,omitempty"`
	Descriptor Descriptor `json:"descriptor"`
	Rotation   Rotation   `json:"rotation"`
	Detector   Detector   `json:"detector"`
	// Size is the face's side in photo pixels (the box's mean side).
	Size int `json:"size"`
	// Sharpness is the variance of the Laplacian of the aligned face at
	// 150 × 150; below about 50 a face is blurred (see thresholds.go).
	Sharpness float64 `json:"sharpness"`
	// Crop is an aligned, upright JPEG of the face, when asked for.
	Crop []byte `json:"-"`
}

// Detection is what a recognizer reports for one face in the image it was
// given, in that image's pixels.
type Detection struct {
	Rect       image.Rectangle
	Landmarks  []image.Point
	Descriptor Descriptor
}

// CropSpec places an aligned, upright face crop in a photo.
type CropSpec struct {
	// Center of the face, in photo pixels.
	Center Vec
	// Up points from the mouth towards the eyes; the crop turns it straight up.
	Up Vec
	// Side of the face in photo pixels; the crop shows Side × (1 + 2·Pad).
	Side, Pad float64
	// Out is the crop's side in pixels.
	Out int
}

// Largest is the index of the largest face (by Size), or −1 when there is
// none.
func Largest(fs []Face) int {
	k := -1
	for i, f := range fs {
		if k < 0 || f.Size > fs[k].Size {
			k = i
		}
	}
	return k
}
