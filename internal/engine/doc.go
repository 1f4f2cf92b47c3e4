// Package engine finds every face in a photo at any rotation and describes
// each one: box, landmarks, dlib descriptor, the rotation and detector that
// found it, and quality figures for a reviewer.
//
// It is pure Go. The decoder (package imaging, OpenCV) and the recognizer
// (package models/dlibface, dlib) are behind the small interfaces declared
// here, so the sweep, the coordinate mapping and the merging are tested
// without cgo.
//
// A photo is scaled for detection, then turned by 0°, 90°, 180° and 270°;
// each turned view goes to the recognizer. Detections are mapped back to the
// photo's own pixels and merged, so a face found at two rotations counts
// once (see merge.go for which detection is kept).
package engine
