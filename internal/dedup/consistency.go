package dedup

import (
	"math"

	"github.com/facetriage/facetriage/internal/archive"
)

// Disagreements returns the faces that lie farther than Disagree from every
// other face given: the faces of one numbered individual. One face alone
// disagrees with nothing; two faces far apart both disagree (a reviewer
// decides which is the detainee).
func Disagreements(faces []archive.FaceRecord) []archive.Disagreement {
	if len(faces) < 2 {
		return nil
	}
	var out []archive.Disagreement
	for i, f := range faces {
		nearest := math.Inf(1)
		for j, g := range faces {
			if i != j {
				nearest = math.Min(nearest, f.Descriptor.Distance(g.Descriptor))
			}
		}
		if nearest > Disagree {
			out = append(out, archive.Disagreement{Photo: f.Photo, Face: f.Index, Nearest: math.Round(nearest*1000) / 1000})
		}
	}
	return out
}
