package engine

import (
	"fmt"
	"time"

	"github.com/facetriage/facetriage/internal/face"
)

// DetectMode chooses the detector.
type DetectMode string

// Detection modes.
const (
	// ModeHOG uses dlib's HOG detector only.
	ModeHOG DetectMode = "hog"
	// ModeCNN uses dlib's MMOD CNN detector only (about 30× slower).
	ModeCNN DetectMode = "cnn"
	// ModeFallback uses HOG, and the CNN when HOG finds no face at any rotation.
	ModeFallback DetectMode = "hog+cnn"
)

// Options tune the engine. The zero value of each field means its default;
// the getters apply defaults and ranges.
type Options struct {
	// Mode is the detector: hog+cnn (default: HOG, and the CNN on photos
	// where HOG finds no face, which halved the LFW probes never found;
	// benchmarks/README.md), hog, or cnn.
	Mode DetectMode
	// Upright turns the rotation sweep off: detect at 0° only.
	Upright bool
	// MaxSide is the longer side, in pixels, that a large photo is scaled
	// down to for detection (default 1024). Boxes and landmarks are reported
	// in the photo's own pixels.
	MaxSide int
	// UpsampleBelow: a photo whose longer side is shorter is scaled up ×2
	// for detection, since dlib's HOG finds no face under ~80 px (default 400).
	UpsampleBelow int
	// MaxPixels is the pixel budget per photo (default 100 megapixels).
	MaxPixels int64
	// Crops asks for an aligned, upright JPEG crop of every face.
	Crops bool
	// CropSide is the crop's side in pixels (default 256).
	CropSide int
	// QuarterTurns searches at quarter turns only (the sweep of 0°, 90°,
	// 180° and 270° at the detection scale) instead of at any angle.
	QuarterTurns bool
	// CoarseSide is the longer side of the small views the any-angle
	// search looks at first (default DefaultCoarseSide).
	CoarseSide int
	// CNNSide is the longer side of the CNN fallback's views (default
	// DefaultCNNSide).
	CNNSide int
	// Budget, when set, stops the search of one photo at the next level
	// once it has taken this long; the result reports it (Cost.OverBudget).
	Budget time.Duration
}

// Defaults.
const (
	DefaultMaxSide       = 1024
	DefaultUpsampleBelow = 400
	DefaultMaxPixels     = 100_000_000
	DefaultCropSide      = 256
	// MinImageSide is the smallest photo side accepted: a face needs more.
	MinImageSide = 20
	// viewQuality is the JPEG quality of the views handed to go-face, which
	// reads JPEG only; at 95 the descriptors move by under 0.01.
	viewQuality = 95
	cropQuality = 90
	// cropPad is the margin around the face in a crop, as a share of its side.
	cropPad = 0.3
)

// Validate reports options out of range.
func (o Options) Validate() error {
	switch o.Mode {
	case "", ModeHOG, ModeCNN, ModeFallback:
	default:
		return fmt.Errorf("engine: detector %q: want hog, cnn or hog+cnn", o.Mode)
	}
	if o.MaxSide < 0 || (o.MaxSide > 0 && o.MaxSide < 64) {
		return fmt.Errorf("engine: max side %d: want at least 64", o.MaxSide)
	}
	if o.MaxPixels < 0 || o.UpsampleBelow < 0 || o.CropSide < 0 || o.CoarseSide < 0 || o.CNNSide < 0 || o.Budget < 0 {
		return fmt.Errorf("engine: negative option in %+v", o)
	}
	return nil
}

func (o Options) mode() DetectMode {
	if o.Mode == "" {
		return ModeFallback
	}
	return o.Mode
}

func (o Options) maxSide() int { return orDefault(o.MaxSide, DefaultMaxSide) }

func (o Options) upsampleBelow() int { return orDefault(o.UpsampleBelow, DefaultUpsampleBelow) }

// MaxPixelsOrDefault is the pixel budget.
func (o Options) MaxPixelsOrDefault() int64 { return orDefault(o.MaxPixels, DefaultMaxPixels) }

func (o Options) cropSide() int { return orDefault(o.CropSide, DefaultCropSide) }

func (o Options) rotations() []face.Rotation {
	if o.Upright {
		return face.Rotations[:1]
	}
	return face.Rotations
}

// orDefault is v, or def when v is not positive (an option left unset).
func orDefault[T int | int64](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
