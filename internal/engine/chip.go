package engine

import (
	"context"
	"fmt"
	"image"
	"math"

	"github.com/facetriage/facetriage/internal/face"
)

// chip describes the face of one sighting from a close view turned upright
// by the sighting's turn, made from the photo at scale.
func (e *Engine) chip(ctx context.Context, pic WarpPicture, scale float64, s sighting, cost *Cost) (candidate, bool, error) {
	c, ok, err := e.chipOnce(ctx, pic, scale, s, cost)
	if err != nil || !ok {
		return c, ok, err
	}
	// Landmarks straighten what a view found tilted: a face more than
	// straightenAbove from upright in its chip is described again from a
	// chip turned by its landmarks (dlib's landmarks and descriptor are
	// surest on upright faces).
	up, has := face.Up(c.Landmarks)
	if !has {
		return c, true, nil
	}
	t := turnOf(up)
	if angleBetween(t, s.turn) <= straightenAbove {
		return c, true, nil
	}
	again := sighting{center: boxCentre(c.Box), side: float64(c.Size), turn: t, score: s.score}
	c2, ok2, err := e.chipOnce(ctx, pic, scale, again, cost)
	if err != nil || !ok2 {
		return c, true, err
	}
	return c2, true, nil
}

// dlib's frontal HOG detector has five filters: a face looking ahead,
// left or right, and a face looking ahead but tilted one way or the
// other (filters 3 and 4). In a view turned by t, a face the tilted
// filters fire on lies about tiltedFilterTurn further one way: measured
// on LFW turned at random, 8° to 45°, with no upright filter firing.
const (
	tiltedLeftFilter, tiltedRightFilter = 3, 4
	tiltedFilterTurn                    = 25.0
)

// tiltedTurn is the turn that brings a sighting's face nearest upright,
// as the filter that saw it says: the view's own turn, or 25° either side
// for the tilted filters. The landmarks of the chip then straighten what
// is left (chip).
func tiltedTurn(s sighting) float64 {
	switch s.filter {
	case tiltedLeftFilter:
		return math.Mod(s.turn+tiltedFilterTurn, 360)
	case tiltedRightFilter:
		return math.Mod(s.turn-tiltedFilterTurn+360, 360)
	}
	return s.turn
}

func boxCentre(b face.Box) face.Vec {
	return face.Vec{X: float64(b.Min.X+b.Max.X) / 2, Y: float64(b.Min.Y+b.Max.Y) / 2}
}

// chipOnce describes the face of one sighting from one chip.
func (e *Engine) chipOnce(ctx context.Context, pic WarpPicture, scale float64, s sighting, cost *Cost) (candidate, bool, error) {
	faceAt := s.side * scale
	fo := math.Max(chipFaceMin, math.Min(chipFaceMax, faceAt))
	k := fo / faceAt
	side := int(math.Ceil(chipRatio * fo))
	cx, cy := s.center.X*scale, s.center.Y*scale
	if k == 1 {
		// Whole pixels: a chip at a quarter turn is then a plain copy.
		cx, cy = math.Round(cx), math.Round(cy)
		side += side % 2
	}
	m := translate(-cx, -cy).then(turning(s.turn)).then(scaling(k)).then(translate(float64(side)/2, float64(side)/2))
	jpeg, err := pic.WarpJPEG(scale, m.index(), image.Pt(side, side), viewQuality)
	if err != nil {
		return candidate{}, false, fmt.Errorf("engine: chip: %w", err)
	}
	ds, err := e.rec.Recognize(ctx, jpeg, face.HOG)
	if err != nil {
		return candidate{}, false, fmt.Errorf("engine: chip at %g°: %w", s.turn, err)
	}
	cost.Chips++
	mid := float64(side) / 2
	best, bestDist := -1, 0.5*fo
	for i, d := range ds {
		r := d.Rect
		if dist := math.Hypot(float64(r.Min.X+r.Max.X)/2-mid, float64(r.Min.Y+r.Max.Y)/2-mid); dist < bestDist {
			best, bestDist = i, dist
		}
	}
	if best < 0 {
		return candidate{}, false, nil
	}
	d := ds[best]
	back := m.inverse().then(scaling(1 / scale))
	r := d.Rect
	center := back.apply(face.Vec{X: float64(r.Min.X+r.Max.X) / 2, Y: float64(r.Min.Y+r.Max.Y) / 2})
	half := float64(r.Dx()+r.Dy()) / 4 / k / scale
	c := candidate{Face: face.Face{Descriptor: d.Descriptor, Detector: face.HOG, Size: round(2 * half)}}
	c.Landmarks = make([]image.Point, len(d.Landmarks))
	var centroid face.Vec
	for i, p := range d.Landmarks {
		q := back.apply(face.Vec{X: float64(p.X) + 0.5, Y: float64(p.Y) + 0.5})
		c.Landmarks[i] = image.Pt(int(math.Floor(q.X)), int(math.Floor(q.Y)))
		centroid.X += q.X / float64(len(d.Landmarks))
		centroid.Y += q.Y / float64(len(d.Landmarks))
	}
	// The box is centred on the landmarks: HOG's box moves by a cell (8
	// px of the chip) with the chip's placement, the landmarks do not.
	if len(d.Landmarks) > 0 {
		center = centroid
	}
	c.Box = face.Box(image.Rect(round(center.X-half), round(center.Y-half), round(center.X+half), round(center.Y+half)))
	if up, ok := face.Up(c.Landmarks); ok {
		c.Rotation = face.RotationOf(up)
	} else {
		c.Rotation = face.RotationOf(upAt(s.turn))
	}
	c.upright = UprightScore(d.Descriptor)
	return c, true, nil
}
