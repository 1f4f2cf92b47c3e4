//go:build cgo

package dlibface

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	goface "github.com/Kagami/go-face"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imgfile"
)

// Config configures a Pool.
type Config struct {
	// ModelDir holds the three model files (see package models).
	ModelDir string
	// Size is the number of recognizers; 0 means one per core.
	Size int
	// Jitter computes each descriptor as the mean over this many jittered
	// copies of the face (dlib's num_jitters); 0 means none. It costs about
	// Jitter times the embedding time.
	Jitter int
}

// Pool hands out go-face recognizers. Each Recognizer loads its own copy
// of the models (about 150 MB with the 68-point landmark model) and uses
// about one core.
type Pool struct {
	free chan *goface.Recognizer
	all  []*goface.Recognizer
	once sync.Once
	hog  hogSet // detection only (detect.go)
}

// Open loads cfg.Size recognizers. A missing or unreadable model file is an
// error here, not at the first image.
func Open(cfg Config) (*Pool, error) {
	n := cfg.Size
	if n <= 0 {
		n = runtime.NumCPU()
	}
	SetBLASThreads(1)
	p := &Pool{free: make(chan *goface.Recognizer, n)}
	for i := 0; i < n; i++ {
		var r *goface.Recognizer
		var err error
		if cfg.Jitter > 0 {
			r, err = goface.NewRecognizerWithConfig(cfg.ModelDir, 150, 0.25, cfg.Jitter)
		} else {
			r, err = goface.NewRecognizer(cfg.ModelDir)
		}
		if err != nil {
			p.Close()
			return nil, fmt.Errorf("dlibface: load models from %s: %w", cfg.ModelDir, err)
		}
		p.all = append(p.all, r)
		p.free <- r
	}
	return p, nil
}

// Size is the number of recognizers.
func (p *Pool) Size() int { return len(p.all) }

// Recognize finds faces in a JPEG with the given detector, and returns for
// each its box, landmarks and descriptor, in the JPEG's pixels. It waits for
// a free recognizer or for ctx.
func (p *Pool) Recognize(ctx context.Context, jpeg []byte, det face.Detector) ([]face.Detection, error) {
	var r *goface.Recognizer
	select {
	case r = <-p.free:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { p.free <- r }()
	var fs []goface.Face
	var err error
	switch det {
	case face.HOG:
		fs, err = r.Recognize(jpeg)
	case face.CNN:
		fs, err = r.RecognizeCNN(jpeg)
	default:
		return nil, fmt.Errorf("dlibface: unknown detector %q", det)
	}
	if err != nil {
		var le goface.ImageLoadError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("%w: dlib could not load the JPEG: %v", imgfile.ErrCorrupt, err)
		}
		return nil, fmt.Errorf("dlibface: %w", err)
	}
	out := make([]face.Detection, len(fs))
	for i, f := range fs {
		out[i] = face.Detection{Rect: f.Rectangle, Landmarks: f.Shapes, Descriptor: face.Descriptor(f.Descriptor)}
	}
	return out, nil
}

// Close frees every recognizer. It must not be called while Recognize runs.
func (p *Pool) Close() {
	p.once.Do(func() {
		for _, r := range p.all {
			r.Close()
		}
		p.hog.close()
	})
}
