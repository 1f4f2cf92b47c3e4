// Package engine finds every face in a photo at any rotation and describes
// each one: box, landmarks, dlib descriptor, the rotation and detector that
// found it, and quality figures for a reviewer.
//
// It is pure Go. The decoder (package imaging, OpenCV) and the recognizer
// (package models/dlibface, dlib) are behind the small interfaces declared
// here, so the sweep, the coordinate mapping and the merging are tested
// without cgo.
//
// With a recognizer that can also detect without describing (ViewDetector,
// models/dlibface), faces are found at any in-plane angle (anyangle.go):
// small grey views of the photo turned by quarter turns, then by the
// diagonals, go to dlib's HOG detector alone; each face seen there is
// described from a close view (a chip) turned upright (by the view's turn,
// and 25° more when one of the detector's tilted filters saw the face), and
// straightened again by its landmarks when it is still tilted. Larger views follow only
// when the small ones show no face of their size; the CNN comes last, on
// reduced views. Result.Cost reports what each photo cost.
//
// Otherwise (and with Options.QuarterTurns) a photo is scaled for
// detection, then turned by 0°, 90°, 180° and 270°; each turned view goes to
// the recognizer. Either way detections are mapped back to the photo's own
// pixels and merged, so a face found twice counts once (see merge.go for
// which detection is kept).
package engine
