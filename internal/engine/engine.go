package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imgfile"
)

// Engine embeds photos. It is safe for concurrent use: parallelism comes
// from the Recognizer (one go-face recognizer per core).
type Engine struct {
	dec  Decoder
	rec  Recognizer
	opts Options
}

// New returns an engine; it fails on options out of range.
func New(dec Decoder, rec Recognizer, opts Options) (*Engine, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &Engine{dec: dec, rec: rec, opts: opts}, nil
}

// Result is what the engine found in one photo.
type Result struct {
	Info imgfile.Info
	// Width and Height are the upright size, after the EXIF orientation.
	Width, Height int
	Faces         []face.Face
	// Cost is what finding the faces cost (time, views, how far the
	// search went), for the stage to log and report.
	Cost Cost
}

// Embed decodes a photo and finds and describes every face in it. A photo
// without a face is a result with no faces, not an error. Errors wrap
// imgfile's sentinels for refused files.
func (e *Engine) Embed(ctx context.Context, data []byte) (Result, error) {
	return e.EmbedWith(ctx, data, e.opts.mode())
}

// EmbedWith is Embed with the detection mode chosen for this call.
func (e *Engine) EmbedWith(ctx context.Context, data []byte, mode DetectMode) (res Result, err error) {
	start := time.Now()
	defer func() { res.Cost.Took = time.Since(start) }()
	if mode == "" {
		mode = e.opts.mode()
	}
	lim := imgfile.Limits{MaxPixels: e.opts.MaxPixelsOrDefault(), MinSide: MinImageSide}
	pic, info, err := e.dec.Decode(data, lim)
	if err != nil {
		return Result{Info: info}, err
	}
	defer pic.Close()
	size := pic.Size()
	res = Result{Info: info, Width: size.X, Height: size.Y}

	var cs []candidate
	switch mode {
	case ModeHOG, ModeFallback:
		cs, err = e.find(ctx, pic, mode, start, &res.Cost)
	case ModeCNN:
		cs, err = e.search(ctx, pic, face.CNN)
	default:
		err = fmt.Errorf("engine: detector %q: want hog, cnn or hog+cnn", mode)
	}
	if err != nil {
		return res, err
	}
	for _, c := range merge(cs) {
		f, err := e.finish(pic, c)
		if err != nil {
			return res, err
		}
		res.Faces = append(res.Faces, f)
	}
	return res, nil
}

// search sweeps the photo at its detection scale. When a large photo scaled
// down shows no face, it sweeps again at twice the scale: the faces of a
// group, or of a body photographed from afar, can be too small for HOG at
// the first scale (the go-face group photo: 0 faces at 1024 px, 10 at 2100).
// Photos with faces pay nothing extra.
func (e *Engine) search(ctx context.Context, pic Picture, det face.Detector) ([]candidate, error) {
	scale := e.opts.detectionScale(pic.Size())
	cs, err := e.sweep(ctx, pic, det, scale)
	if err != nil || len(cs) > 0 || scale >= 1 {
		return cs, err
	}
	return e.sweep(ctx, pic, det, math.Min(1, 2*scale))
}

// sweep runs det on every rotation of the photo at scale.
func (e *Engine) sweep(ctx context.Context, pic Picture, det face.Detector, scale float64) ([]candidate, error) {
	ss := pic.ScaledSize(scale)
	var cs []candidate
	for _, r := range e.opts.rotations() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		jpeg, _, err := pic.View(r.QuarterTurns(), scale, viewQuality)
		if err != nil {
			return nil, err
		}
		ds, err := e.rec.Recognize(ctx, jpeg, det)
		if err != nil {
			return nil, fmt.Errorf("engine: %s at %d°: %w", det, r, err)
		}
		v := view{scale: scale, w: float64(ss.X), h: float64(ss.Y), q: r.QuarterTurns()}
		for _, d := range ds {
			cs = append(cs, toCandidate(d, v, r, det))
		}
	}
	return cs, nil
}

// finish adds the quality figures and the crop.
func (e *Engine) finish(pic Picture, c candidate) (face.Face, error) {
	f := c.Face
	b := f.Box.Rect()
	spec := face.CropSpec{
		Center: face.Vec{X: float64(b.Min.X+b.Max.X) / 2, Y: float64(b.Min.Y+b.Max.Y) / 2},
		Side:   float64(f.Size),
		Pad:    cropPad,
		Out:    e.opts.cropSide(),
	}
	if up, ok := face.Up(f.Landmarks); ok {
		spec.Up = up
	} else {
		spec.Up = uprightFor(f.Rotation)
	}
	q := 0
	if e.opts.Crops {
		q = cropQuality
	}
	crop, sharp, err := pic.FaceCrop(spec, q)
	if err != nil {
		return f, fmt.Errorf("engine: crop: %w", err)
	}
	f.Crop, f.Sharpness = crop, sharp
	return f, nil
}

// uprightFor is the head's direction in the photo for a face found after
// turning the photo clockwise by r.
func uprightFor(r face.Rotation) face.Vec {
	switch r {
	case 90:
		return face.Vec{X: -1}
	case 180:
		return face.Vec{Y: 1}
	case 270:
		return face.Vec{X: 1}
	}
	return face.Vec{Y: -1}
}

// IsPermanent reports whether err means the file itself is bad, so that
// retrying cannot help.
func IsPermanent(err error) bool {
	for _, s := range []error{imgfile.ErrEmpty, imgfile.ErrNotImage, imgfile.ErrTruncated,
		imgfile.ErrTooLarge, imgfile.ErrTooSmall, imgfile.ErrCorrupt} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
