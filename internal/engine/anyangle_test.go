package engine

import (
	"math"
	"testing"

	"github.com/facetriage/facetriage/internal/face"
)

// TestTurnedViewHoldsThePhoto: every corner of the photo lands inside the
// turned view's canvas, the centre on its centre, and the map inverts.
func TestTurnedViewHoldsThePhoto(t *testing.T) {
	const w, h = 400.0, 300.0
	for _, deg := range []float64{0, 30, 45, 90, 135, 180, 225, 270, 315, 359} {
		m, size := turnedView(w, h, deg)
		c := m.apply(face.Vec{X: w / 2, Y: h / 2})
		if math.Abs(c.X-float64(size.X)/2) > 1e-9 || math.Abs(c.Y-float64(size.Y)/2) > 1e-9 {
			t.Errorf("%g°: centre lands at %+v in %v", deg, c, size)
		}
		for _, p := range []face.Vec{{X: 0, Y: 0}, {X: w, Y: 0}, {X: 0, Y: h}, {X: w, Y: h}} {
			q := m.apply(p)
			if q.X < -1e-6 || q.Y < -1e-6 || q.X > float64(size.X)+1e-6 || q.Y > float64(size.Y)+1e-6 {
				t.Errorf("%g°: corner %+v lands at %+v, outside %v", deg, p, q, size)
			}
			back := m.inverse().apply(q)
			if math.Hypot(back.X-p.X, back.Y-p.Y) > 1e-9 {
				t.Errorf("%g°: %+v → %+v → %+v", deg, p, q, back)
			}
		}
	}
	// A quarter turn is the plain rotation the sweep uses: (x, y) → (h − y, x).
	m, size := turnedView(w, h, 90)
	if size.X != h || size.Y != w {
		t.Fatalf("90°: canvas %v, want %v×%v", size, h, w)
	}
	if q := m.apply(face.Vec{X: 10, Y: 20}); math.Abs(q.X-(h-20)) > 1e-9 || math.Abs(q.Y-10) > 1e-9 {
		t.Errorf("90°: (10, 20) → %+v, want (%v, 10)", q, h-20)
	}
}

// TestTurnsAndHeads: the turn that makes a head upright, and back.
func TestTurnsAndHeads(t *testing.T) {
	for _, deg := range []float64{0, 30, 90, 135, 180, 270, 333} {
		if got := turnOf(upAt(deg)); angleBetween(got, deg) > 1e-9 {
			t.Errorf("turnOf(upAt(%g)) = %g", deg, got)
		}
		// Turning the photo by deg turns a head pointing upAt(deg) straight up.
		u := turning(deg).apply(upAt(deg))
		if math.Abs(u.X) > 1e-9 || math.Abs(u.Y+1) > 1e-9 {
			t.Errorf("%g°: head turns to %+v, want (0, −1)", deg, u)
		}
	}
	if r := face.RotationOf(upAt(90)); r != 90 {
		t.Errorf("a head pointing left is at rotation %d, want 90", r)
	}
}

// TestGroupSightings: the same face seen in several views is one group led
// by its strongest sighting; a face elsewhere, or of another size, is not.
func TestGroupSightings(t *testing.T) {
	ss := []sighting{
		{center: face.Vec{X: 100, Y: 100}, side: 80, turn: 0, score: 0.2},
		{center: face.Vec{X: 110, Y: 95}, side: 90, turn: 45, score: 1.1},
		{center: face.Vec{X: 300, Y: 100}, side: 80, turn: 0, score: 0.5},
		{center: face.Vec{X: 100, Y: 100}, side: 300, turn: 0, score: 0.1},
	}
	gs := groupSightings(ss)
	if len(gs) != 3 {
		t.Fatalf("%d groups, want 3: %+v", len(gs), gs)
	}
	if gs[0][0].turn != 45 || len(gs[0]) != 2 {
		t.Errorf("first group %+v, want the 45° sighting leading two", gs[0])
	}
}

// TestFirm: a face ends the search when it looks upright and is at least
// HOG's window at the level's scale.
func TestFirm(t *testing.T) {
	c := candidate{Face: face.Face{Size: 200}, upright: 1}
	if !firm([]candidate{c}, 0.5) {
		t.Error("a 100 px upright face is not firm")
	}
	if firm([]candidate{c}, 0.25) {
		t.Error("a 50 px face is firm")
	}
	c.upright = -3
	if firm([]candidate{c}, 1) {
		t.Error("an upside-down face is firm")
	}
}

// TestTiltedFilterTurnsTheChip: a face seen by one of HOG's tilted
// filters is described from a chip turned 25° its way; any other filter
// leaves the view's turn.
func TestTiltedFilterTurnsTheChip(t *testing.T) {
	for _, c := range []struct {
		turn   float64
		filter int
		want   float64
	}{
		{0, 0, 0}, {90, 1, 90}, {270, 2, 270},
		{350, tiltedLeftFilter, 15}, {90, tiltedLeftFilter, 115},
		{10, tiltedRightFilter, 345}, {180, tiltedRightFilter, 155},
	} {
		if got := tiltedTurn(sighting{turn: c.turn, filter: c.filter}); angleBetween(got, c.want) > 1e-9 || got < 0 || got >= 360 {
			t.Errorf("turn %g°, filter %d: chip at %g°, want %g°", c.turn, c.filter, got, c.want)
		}
	}
}
