package face

import "image"

// Scored is a detection without landmarks or descriptor: where a detector
// found a face in the image it was given, and how sure it is.
type Scored struct {
	Rect image.Rectangle
	// Score is the detector's confidence; dlib's HOG detector reports a
	// face above 0, and scores of one detector compare across images.
	Score float64
	// Filter is which of the detector's filters fired (dlib's frontal
	// detector has five: front, turned left, turned right, and two tilted).
	Filter int
}
