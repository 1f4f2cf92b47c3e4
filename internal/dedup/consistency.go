package dedup

import (
	"math"
	"sort"

	"github.com/facetriage/facetriage/internal/archive"
)

// Disagreements returns the faces whose median distance to the other faces
// given (the faces of one numbered individual) is above Disagree. The
// median, not the nearest: one other person's face lies within the "weak"
// level of a given face in 1 pair in 10, so with the six or so photos of a
// number the nearest face would hide most mislabelled photos, while half of
// them lying that near is rare (thresholds.go). One face alone disagrees
// with nothing; of two faces far apart, both disagree, and a reviewer
// decides which is the detainee.
func Disagreements(faces []archive.FaceRecord) []archive.Disagreement {
	if len(faces) < 2 {
		return nil
	}
	var out []archive.Disagreement
	ds := make([]float64, 0, len(faces)-1)
	for i, f := range faces {
		ds = ds[:0]
		for j, g := range faces {
			if i != j {
				ds = append(ds, f.Descriptor.Distance(g.Descriptor))
			}
		}
		if m := median(ds); m > Disagree {
			out = append(out, archive.Disagreement{Photo: f.Photo, Face: f.Index, Median: round3(m), Nearest: round3(minOf(ds))})
		}
	}
	return out
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func minOf(xs []float64) float64 {
	m := math.Inf(1)
	for _, x := range xs {
		m = math.Min(m, x)
	}
	return m
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
