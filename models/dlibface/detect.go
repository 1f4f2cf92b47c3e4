//go:build cgo

package dlibface

// #cgo CXXFLAGS: -std=c++14 -O3 -DNDEBUG
// #cgo LDFLAGS: -ldlib
// #include <stdlib.h>
// #include "hog_detect.h"
import "C"

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
	"unsafe"

	"github.com/facetriage/facetriage/internal/face"
)

// maxDetections bounds the detections reported for one image.
const maxDetections = 256

// hogSet is a pool of dlib HOG detectors for detection only, one per
// recognizer, made at the first Detect.
type hogSet struct {
	once sync.Once
	err  error
	free chan *C.ft_hog
	all  []*C.ft_hog
}

func (s *hogSet) open(n int) error {
	s.once.Do(func() {
		s.free = make(chan *C.ft_hog, n)
		for i := 0; i < n; i++ {
			h := C.ft_hog_new()
			if h == nil {
				s.err = errors.New("dlibface: could not make a HOG detector")
				return
			}
			s.all = append(s.all, h)
			s.free <- h
		}
	})
	return s.err
}

func (s *hogSet) close() {
	for _, h := range s.all {
		C.ft_hog_free(h)
	}
	s.all = nil
}

// Detect runs dlib's HOG face detector on a grey image of size (rows of
// size.X bytes) and returns the faces with their scores, without landmarks
// or descriptors: the cheap first look of the any-angle search. adjust
// moves the detector's threshold (0: dlib's own; below 0 finds more).
func (p *Pool) Detect(ctx context.Context, grey []byte, size image.Point, adjust float64) ([]face.Scored, error) {
	if size.X <= 0 || size.Y <= 0 || len(grey) < size.X*size.Y {
		return nil, fmt.Errorf("dlibface: grey image of %d bytes for %v", len(grey), size)
	}
	if err := p.hog.open(len(p.all)); err != nil {
		return nil, err
	}
	var h *C.ft_hog
	select {
	case h = <-p.hog.free:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { p.hog.free <- h }()
	out := make([]C.ft_hog_det, maxDetections)
	n := C.ft_hog_detect(h, (*C.uchar)(unsafe.Pointer(&grey[0])), C.int(size.X), C.int(size.Y), C.double(adjust), &out[0], C.int(maxDetections))
	if n < 0 {
		return nil, errors.New("dlibface: HOG detector failed")
	}
	ds := make([]face.Scored, min(int(n), maxDetections))
	for i := range ds {
		d := out[i]
		// dlib's right and bottom are inclusive.
		ds[i] = face.Scored{Rect: image.Rect(int(d.left), int(d.top), int(d.right)+1, int(d.bottom)+1), Score: float64(d.score), Filter: int(d.filter)}
	}
	return ds, nil
}
