package engine

import (
	"context"
	"fmt"
	"image"
	"math"
	"sort"
	"time"

	"github.com/facetriage/facetriage/internal/face"
)

// ViewDetector finds faces in a grey image without describing them: the
// cheap first look of the any-angle search. models/dlibface.Pool
// implements it; a Recognizer that does not gets the quarter-turn sweep.
type ViewDetector interface {
	Detect(ctx context.Context, grey []byte, size image.Point, adjust float64) ([]face.Scored, error)
}

// WarpPicture is a Picture that also makes turned views at any angle.
// imaging.Picture implements it.
type WarpPicture interface {
	Picture
	// GreyWarp is the photo scaled by scale, then mapped by m (pixel
	// indices of the scaled photo to those of the view) onto a size
	// canvas, in grey, one byte a pixel.
	GreyWarp(scale float64, m [6]float64, size image.Point) ([]byte, error)
	// WarpJPEG is the same in colour, as JPEG.
	WarpJPEG(scale float64, m [6]float64, size image.Point, quality int) ([]byte, error)
}

// Cost is what the search for faces cost in one photo, so that the
// expensive photos can be reported rather than hidden in an average.
type Cost struct {
	// Took is the wall time of the whole embedding, decoding included.
	Took time.Duration `json:"took"`
	// Views is the number of detector passes over whole views of the
	// photo; Chips the number of close views of a face that were described.
	Views, Chips int
	// Pixels is the number of pixels the detectors scanned in whole views.
	Pixels int64
	// Level is how far the search had to go: "coarse" (faces found in the
	// small views), "fine" (at the detection scale), "zoom" (at twice that),
	// "cnn" (the CNN fallback), or "sweep" (the quarter-turn sweep, used
	// when the any-angle search is off or unavailable).
	Level string
	// OverBudget is set when Options.Budget stopped the search before
	// every level had run.
	OverBudget bool
}

// Any-angle search parameters.
const (
	// DefaultCoarseSide is the longer side of the small views the search
	// looks at first, at every angle: a face at least 80/400 of the
	// photo's longer side is found there (see benchmarks/README.md,
	// "Faces at any angle").
	DefaultCoarseSide = 320

	// DefaultCNNSide is the longer side of the views the CNN fallback sees.
	DefaultCNNSide = 512
	// chipFaceMin and chipFaceMax bound the face's side in a chip: HOG
	// needs 80 px, dlib's descriptor looks at 150 px with padding.
	chipFaceMin, chipFaceMax = 100.0, 200.0
	// chipRatio is a chip's side over the face's.
	chipRatio = 2.4
	// sameSighting: two sightings are the same face when their centres lie
	// closer than this share of the larger face.
	sameSighting = 0.5
	// hogWindow is the side of the smallest face dlib's HOG detector finds.
	hogWindow = 80.0
	// firmSide is the side, in pixels of a level's views, of a face that
	// ends the search: three quarters of HOG's window, since faces a
	// little smaller are found there with the lowered threshold.
	firmSide = 0.75 * hogWindow
	// straightenAbove is the tilt, in degrees, above which a face found in
	// a chip is described again from a chip its landmarks turn upright.
	straightenAbove = 20.0
	// firmUpright is the upright score (log-odds) above which a face ends
	// the search: upside-down detections score about −3 and below, and
	// some upright faces a little under 0.
	firmUpright = -2.0
)

// sightAdjust lowers the HOG threshold in the small views: a chip that
// finds no face costs little, a face missed there costs a finer level.
const sightAdjust = -0.4

// The views of the any-angle search: quarter turns, then diagonals, so
// that each face lies within 22.5° of a view.
var (
	quarterTurns  = []float64{0, 90, 180, 270}
	diagonalTurns = []float64{45, 135, 225, 315}
)

// sighting is one detection in a turned view, in photo coordinates.
type sighting struct {
	center face.Vec
	side   float64 // photo pixels
	turn   float64 // the view's clockwise turn, degrees
	score  float64
	filter int // which of the detector's filters fired (face.Scored)
}

// anyAngle searches a photo for faces at any in-plane angle: small grey
// views at eight angles first; each face seen there is described from a
// close view turned upright (a chip). Only when the small views show no
// face does it look at the detection scale, then at twice it for large
// photos, then (hog+cnn) with the CNN on reduced quarter-turn views.
func (e *Engine) anyAngle(ctx context.Context, pic WarpPicture, det ViewDetector, mode DetectMode, start time.Time, cost *Cost) ([]candidate, error) {
	size := pic.Size()
	long := float64(max(size.X, size.Y))
	full := e.opts.detectionScale(size)
	type level struct {
		name  string
		scale float64
	}
	levels := []level{{"coarse", math.Min(full, float64(e.opts.coarseSide())/long)}}
	if levels[0].scale < full {
		levels = append(levels, level{"fine", full})
	}
	if full < 1 {
		levels = append(levels, level{"zoom", math.Min(1, 2*full)})
	}
	// A level ends the search when it finds a firm face: one that looks
	// upright and about the detector's window in the level's views. Faces seen there only by the lowered threshold, too small for
	// the level, may have smaller neighbours: the next level looks for
	// them, and merging drops the faces found twice. dlib's HOG also fires
	// on some upside-down faces; those do not end the search either.
	var found []candidate
	for i, l := range levels {
		if i > 0 && e.overBudget(start, cost) {
			break
		}
		// Quarter turns first: HOG sees most faces within about 25° of a
		// view. The diagonals only when those show no upright face.
		for _, turns := range [][]float64{quarterTurns, diagonalTurns} {
			ss, err := e.sightings(ctx, pic, det, l.scale, turns, cost)
			if err != nil {
				return nil, err
			}
			cs, err := e.describe(ctx, pic, full, ss, cost)
			if err != nil {
				return nil, err
			}
			found = append(found, cs...)
			if len(cs) > 0 {
				cost.Level = l.name
			}
			if firm(cs, l.scale) {
				return merge(found), nil
			}
			if anyUpright(cs) {
				break
			}
		}
	}
	if len(found) > 0 {
		return merge(found), nil
	}
	if mode != ModeFallback || e.overBudget(start, cost) {
		return nil, nil
	}
	cost.Level = "cnn"
	scale := math.Min(full, float64(e.opts.cnnSide())/long)
	cost.Views += len(face.Rotations)
	return e.sweep(ctx, pic, face.CNN, scale)
}

func (e *Engine) overBudget(start time.Time, cost *Cost) bool {
	if b := e.opts.Budget; b > 0 && time.Since(start) > b {
		cost.OverBudget = true
		return true
	}
	return false
}

// sightings runs the detector on the photo at scale, turned by each of
// searchTurns, and returns what it saw in photo coordinates.
func (e *Engine) sightings(ctx context.Context, pic WarpPicture, det ViewDetector, scale float64, turns []float64, cost *Cost) ([]sighting, error) {
	ss := pic.ScaledSize(scale)
	var out []sighting
	for _, turn := range turns {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m, size := turnedView(float64(ss.X), float64(ss.Y), turn)
		grey, err := pic.GreyWarp(scale, m.index(), size)
		if err != nil {
			return nil, fmt.Errorf("engine: view at %g°: %w", turn, err)
		}
		ds, err := det.Detect(ctx, grey, size, sightAdjust)
		if err != nil {
			return nil, fmt.Errorf("engine: detect at %g°: %w", turn, err)
		}
		cost.Views++
		cost.Pixels += int64(size.X) * int64(size.Y)
		back := m.inverse().then(scaling(1 / scale))
		for _, d := range ds {
			c := back.apply(face.Vec{X: float64(d.Rect.Min.X+d.Rect.Max.X) / 2, Y: float64(d.Rect.Min.Y+d.Rect.Max.Y) / 2})
			side := float64(d.Rect.Dx()+d.Rect.Dy()) / 2 / scale
			out = append(out, sighting{center: c, side: side, turn: turn, score: d.Score, filter: d.Filter})
		}
	}
	return out, nil
}

// groupSightings puts the sightings of one face together, strongest first
// in each group, and the groups in order of their strongest sighting.
func groupSightings(ss []sighting) [][]sighting {
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].score > ss[j].score })
	var groups [][]sighting
	for _, s := range ss {
		placed := false
		for i, g := range groups {
			b := g[0]
			ratio := s.side / b.side
			if math.Hypot(s.center.X-b.center.X, s.center.Y-b.center.Y) < sameSighting*math.Max(s.side, b.side) && ratio > 0.5 && ratio < 2 {
				groups[i] = append(g, s)
				placed = true
				break
			}
		}
		if !placed {
			groups = append(groups, []sighting{s})
		}
	}
	return groups
}

// describe turns each face seen into a candidate: a chip of the face,
// turned upright as its strongest sighting says, goes to the recognizer.
// A face whose descriptor looks upside down is tried again as the
// sighting nearest the opposite turn says, and merge keeps the better.
func (e *Engine) describe(ctx context.Context, pic WarpPicture, scale float64, ss []sighting, cost *Cost) ([]candidate, error) {
	var out []candidate
	for _, g := range groupSightings(ss) {
		g[0].turn = tiltedTurn(g[0])
		c, ok, err := e.chip(ctx, pic, scale, g[0], cost)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, c)
		}
		if ok && c.upright >= 0 {
			continue
		}
		// Try the strongest sighting at another turn, or else the face
		// turned the other way up.
		other := g[0]
		other.turn = math.Mod(other.turn+180, 360)
		for _, s := range g[1:] {
			if angleBetween(s.turn, g[0].turn) >= 90 {
				other = s
				break
			}
		}
		c, ok, err = e.chip(ctx, pic, scale, other, cost)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, c)
		}
	}
	return merge(out), nil
}

// firm reports whether a face looks upright and is at least firmSide in
// views at scale.
func firm(cs []candidate, scale float64) bool {
	for _, c := range cs {
		if c.upright >= firmUpright && float64(c.Size)*scale >= firmSide {
			return true
		}
	}
	return false
}

func anyUpright(cs []candidate) bool {
	for _, c := range cs {
		if c.upright >= 0 {
			return true
		}
	}
	return false
}
