package eval

import (
	"math"

	"github.com/facetriage/facetriage/internal/face"
)

// Faces is what a method found in one photo: its descriptors, largest face
// first. Err is set when the photo could not be read.
type Faces struct {
	Path        string            `json:"path"`
	Descriptors []face.Descriptor `json:"descriptors,omitempty"`
	Err         string            `json:"err,omitempty"`
}

// Gallery is an archive's faces, flattened for ranking.
type Gallery struct {
	desc     []face.Descriptor
	photo    []int // index of the face's photo
	identity []int // index of the face's identity
	ids      map[string]int
	nPhotos  int
}

// NewGallery indexes the faces of the archive photos.
func NewGallery(archive []Sample, faces []Faces) *Gallery {
	g := &Gallery{ids: map[string]int{}, nPhotos: len(archive)}
	for i, s := range archive {
		id, ok := g.ids[s.Identity]
		if !ok {
			id = len(g.ids)
			g.ids[s.Identity] = id
		}
		for _, d := range faces[i].Descriptors {
			g.desc = append(g.desc, d)
			g.photo = append(g.photo, i)
			g.identity = append(g.identity, id)
		}
	}
	return g
}

// Aggregation scores an individual from the distances of its faces.
type Aggregation string

// Aggregations.
const (
	// AggMin scores an individual by its nearest face (the product).
	AggMin Aggregation = "min"
	// AggMean2 scores it by the mean of its two nearest faces.
	AggMean2 Aggregation = "mean2"
)

// Ranks holds, for one probe, where the right person came.
type Ranks struct {
	// Individual is the rank among individuals (0: not in the archive's
	// faces at all).
	Individual int
	// Photo is the rank of the person's first photo among photos ranked by
	// their nearest face, as a plain face search shows them.
	Photo int
}

// Rank ranks the archive for one probe descriptor of identity target.
func (g *Gallery) Rank(q face.Descriptor, target string, agg Aggregation) Ranks {
	tid, ok := g.ids[target]
	if !ok {
		return Ranks{}
	}
	nIDs := len(g.ids)
	best := make([]float64, nIDs)
	second := make([]float64, nIDs)
	photoBest := make([]float64, g.nPhotos)
	for i := range best {
		best[i], second[i] = math.Inf(1), math.Inf(1)
	}
	for i := range photoBest {
		photoBest[i] = math.Inf(1)
	}
	for i, d := range g.desc {
		dist := d.Distance(q)
		id := g.identity[i]
		switch {
		case dist < best[id]:
			second[id], best[id] = best[id], dist
		case dist < second[id]:
			second[id] = dist
		}
		if p := g.photo[i]; dist < photoBest[p] {
			photoBest[p] = dist
		}
	}
	score := func(id int) float64 {
		if agg == AggMean2 && !math.IsInf(second[id], 1) {
			return (best[id] + second[id]) / 2
		}
		return best[id]
	}
	var r Ranks
	if t := score(tid); !math.IsInf(t, 1) {
		r.Individual = 1
		for id := 0; id < nIDs; id++ {
			if id != tid && score(id) < t {
				r.Individual++
			}
		}
		// The person's nearest photo holds their nearest face; count the
		// photos with a nearer face.
		r.Photo = 1
		for _, d := range photoBest {
			if d < best[tid] {
				r.Photo++
			}
		}
	}
	return r
}
