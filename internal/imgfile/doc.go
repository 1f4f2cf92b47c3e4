// Package imgfile inspects an image file before anything decodes it: what
// format it is, how many pixels it declares, whether it is complete, and what
// its EXIF says. It reads headers only, so it is cheap and safe on hostile
// input, and it is pure Go.
//
// The decoder (package imaging) calls Inspect first and refuses what it
// reports: an empty file, a file that is not an image, a truncated file, and
// an image over the pixel budget (a decompression bomb).
package imgfile
