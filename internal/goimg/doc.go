// Package goimg is the image code that needs no cgo: it decodes photos with
// Go's own decoders, turned upright by their EXIF orientation, and obscures
// face crops (grey and/or blurred) before anyone chooses to see them.
//
// Unlike package imaging (OpenCV, for the face engine), it builds with
// CGO_ENABLED=0, so a binary without the face engine can still serve
// casework. Every build blurs crops here: one blur, whichever binary serves.
package goimg
