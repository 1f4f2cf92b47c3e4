//go:build cgo

// Package imaging decodes photos with OpenCV (gocv) and produces what the
// face engine needs from them: scaled and rotated views for the detector,
// sharpness figures and aligned face crops. It is one of the few cgo
// packages; everything it returns is plain Go data.
//
// Every gocv.Mat it creates is closed before the function that made it
// returns, except the one a Picture owns, which Picture.Close releases.
// Build with -tags matprofile to count leaks.
package imaging
