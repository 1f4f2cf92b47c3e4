package engine

import (
	"image"
	"sort"
)

// sameFaceOverlap: two detections whose intersection covers at least this
// share of the smaller box are the same face seen at two rotations.
const sameFaceOverlap = 0.5

// sizeTie: boxes whose sides differ by less than this share are the same
// HOG pyramid level.
const sizeTie = 0.1

// merge groups candidates of the same face and keeps one per face, ordered
// left to right, then top to bottom.
//
// Which detection to keep: dlib's HOG also fires on upside-down faces (on
// 11 of 34 test photos at 180°), and a descriptor of an upside-down face is
// worthless. go-face reports no detection scores, so the choice rests on two
// measured regularities of such false detections: their box is one pyramid
// level larger or the same, and their descriptor's norm is smaller (1.28–1.44
// against 1.37–1.51 for upright faces on the go-face test photos). So keep
// the smallest box, and between boxes of one size the larger norm.
func merge(cs []candidate) []candidate {
	var groups [][]candidate
	for _, c := range cs {
		placed := false
		for i, g := range groups {
			if overlap(g[0].Box.Rect(), c.Box.Rect()) >= sameFaceOverlap {
				groups[i] = append(g, c)
				placed = true
				break
			}
		}
		if !placed {
			groups = append(groups, []candidate{c})
		}
	}
	out := make([]candidate, 0, len(groups))
	for _, g := range groups {
		best := g[0]
		for _, c := range g[1:] {
			if better(c, best) {
				best = c
			}
		}
		out = append(out, best)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Box.Min, out[j].Box.Min
		if a.X != b.X {
			return a.X < b.X
		}
		return a.Y < b.Y
	})
	return out
}

func better(c, than candidate) bool {
	cs, ts := float64(c.Size), float64(than.Size)
	if cs < ts*(1-sizeTie) {
		return true
	}
	if ts < cs*(1-sizeTie) {
		return false
	}
	return c.norm > than.norm
}

// overlap is the intersection's area over the smaller box's area.
func overlap(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	if in.Empty() {
		return 0
	}
	small := min(area(a), area(b))
	if small == 0 {
		return 0
	}
	return float64(area(in)) / float64(small)
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }
