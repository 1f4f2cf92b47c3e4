package eval

import (
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/facetriage/facetriage/internal/face"
)

// OpenSet lays a labelled dataset out for open-set searches, as NIST FRVT
// 1:N reports them: a gallery of individuals (every face of their gallery
// photos, as the product indexes every face of a photo), and searches,
// each with one or more reference descriptors (the largest face of a
// reference photo). A mated search's person is in the gallery; a
// non-mated search is the same search with that person taken out.
type OpenSet struct {
	// Names of the individuals.
	Names []string
	// Faces are the gallery's faces; FaceOf the individual of each and
	// PhotoOf its photo (an index into the photos OpenSet was built from).
	Faces   []face.Descriptor
	FaceOf  []int32
	PhotoOf []int32
	// FacesOf lists each individual's faces.
	FacesOf [][]int32
	// Searches: the individual searched for, the references, and the
	// photo the reference comes from (its faces never count for the
	// search: a photo is not its own match).
	SearchOf  []int32
	Refs      [][]face.Descriptor
	RefPhotos [][]int32
	// MateFaces counts, for each search, its person's gallery faces
	// outside the reference photos: a search is mated only when there is
	// one.
	MateFaces []int32
	// NoFace counts searches dropped because their reference photo had
	// no face: a miss for every mated search, no search at all otherwise.
	NoFace int
	// dist[s][f] is the distance from search s's nearest reference to
	// gallery face f (+Inf for the reference's own photo).
	dist [][]float32
	// nearest[s][i] is the distance to individual i's nearest face.
	nearest [][]float32
}

// Photo is one labelled photo with its faces' descriptors, largest first.
type Photo struct {
	Sample
	Descriptors []face.Descriptor
}

// Photos pairs samples with what a method found in them.
func Photos(samples []Sample, faces []Faces) []Photo {
	out := make([]Photo, len(samples))
	for i := range samples {
		out[i] = Photo{Sample: samples[i], Descriptors: faces[i].Descriptors}
	}
	return out
}

// MainFaces keeps each photo's largest face only: the face its label
// names. (A photo's other faces are other people, whom a dataset's label
// does not name.)
func MainFaces(photos []Photo) []Photo {
	out := make([]Photo, len(photos))
	for i, p := range photos {
		out[i] = p
		if len(p.Descriptors) > 1 {
			out[i].Descriptors = p.Descriptors[:1]
		}
	}
	return out
}

// SearchSpec names a search: its reference photos (indexes into the
// photos), all of one identity.
type SearchSpec []int

// NewOpenSet builds the layout: gallery[i] says whether photo i is in the
// gallery; each spec is one search. A search whose reference photos hold
// no face is counted in NoFace and dropped.
func NewOpenSet(photos []Photo, gallery []bool, specs []SearchSpec) *OpenSet {
	o := &OpenSet{}
	ids := map[string]int32{}
	id := func(name string) int32 {
		i, ok := ids[name]
		if !ok {
			i = int32(len(o.Names))
			ids[name] = i
			o.Names = append(o.Names, name)
			o.FacesOf = append(o.FacesOf, nil)
		}
		return i
	}
	for i, p := range photos {
		if !gallery[i] {
			continue
		}
		who := id(p.Identity)
		for _, d := range p.Descriptors {
			o.FacesOf[who] = append(o.FacesOf[who], int32(len(o.Faces)))
			o.Faces = append(o.Faces, d)
			o.FaceOf = append(o.FaceOf, who)
			o.PhotoOf = append(o.PhotoOf, int32(i))
		}
	}
	for _, spec := range specs {
		var refs []face.Descriptor
		var from []int32
		for _, ph := range spec {
			if ds := photos[ph].Descriptors; len(ds) > 0 {
				refs = append(refs, ds[0])
				from = append(from, int32(ph))
			}
		}
		if len(refs) == 0 {
			o.NoFace++
			continue
		}
		who := id(photos[spec[0]].Identity)
		mates := int32(0)
		for _, f := range o.FacesOf[who] {
			if !slices.Contains(from, o.PhotoOf[f]) {
				mates++
			}
		}
		o.SearchOf = append(o.SearchOf, who)
		o.MateFaces = append(o.MateFaces, mates)
		o.Refs = append(o.Refs, refs)
		o.RefPhotos = append(o.RefPhotos, from)
	}
	o.measure()
	return o
}

// FamilyOpenSet is the family-photo protocol as an open set: each
// identity with two or more photos is searched with its first photo, and
// the gallery holds every other photo (FamilySplit).
func FamilyOpenSet(sp Split, probes, archive []Faces, mainOnly bool) *OpenSet {
	photos := append(Photos(sp.Probes, probes), Photos(sp.Archive, archive)...)
	if mainOnly {
		photos = MainFaces(photos)
	}
	gallery := make([]bool, len(photos))
	specs := make([]SearchSpec, len(sp.Probes))
	for i := range photos {
		gallery[i] = i >= len(sp.Probes)
	}
	for i := range sp.Probes {
		specs[i] = SearchSpec{i}
	}
	return NewOpenSet(photos, gallery, specs)
}

// LeaveOneOutOpenSet searches with every photo that has a face: the
// gallery is every photo, the search's own photo left out. It is the
// layout for small datasets, where every search counts.
func LeaveOneOutOpenSet(photos []Photo) *OpenSet {
	return leaveOneOut(photos, len(photos))
}

// leaveOneOut is LeaveOneOutOpenSet searching with the first searched
// photos only; the others are in the gallery and never searched.
func leaveOneOut(photos []Photo, searched int) *OpenSet {
	gallery := make([]bool, len(photos))
	var specs []SearchSpec
	for i, p := range photos {
		gallery[i] = true
		if i < searched && len(p.Descriptors) > 0 {
			specs = append(specs, SearchSpec{i})
		}
	}
	return NewOpenSet(photos, gallery, specs)
}

// Individuals is the number of individuals the layout knows.
func (o *OpenSet) Individuals() int { return len(o.Names) }

// Searches is the number of searches.
func (o *OpenSet) Searches() int { return len(o.SearchOf) }

// Dist is the distance from search s to gallery face f.
func (o *OpenSet) Dist(s, f int) float32 { return o.dist[s][f] }

// Nearest is the distance from search s to individual i's nearest face
// (+Inf when it has none).
func (o *OpenSet) Nearest(s, i int) float32 { return o.nearest[s][i] }

// measure computes every search's distances, on all cores.
func (o *OpenSet) measure() {
	o.dist = make([][]float32, len(o.SearchOf))
	o.nearest = make([][]float32, len(o.SearchOf))
	parallel(len(o.SearchOf), func(s int) {
		row := make([]float32, len(o.Faces))
		near := make([]float32, len(o.Names))
		for i := range near {
			near[i] = float32(math.Inf(1))
		}
		for f, d := range o.Faces {
			best := math.Inf(1)
			if !slices.Contains(o.RefPhotos[s], o.PhotoOf[f]) {
				for _, r := range o.Refs[s] {
					best = math.Min(best, r.Distance(d))
				}
			}
			row[f] = float32(best)
			if who := o.FaceOf[f]; row[f] < near[who] {
				near[who] = row[f]
			}
		}
		o.dist[s], o.nearest[s] = row, near
	})
}

// parallel runs job(i) for i in [0, n) on every core and waits.
func parallel(n int, job func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				job(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// Mislabelled is a pair of photos of two identities whose main faces
// are nearer than any two people's faces lie: the same person under two
// names (in LFW, a photo whose largest face is the other person in it).
type Mislabelled struct {
	A, B     string
	Distance float64
}

// DropMislabelled leaves out both photos of every pair of two identities
// whose main faces lie nearer than within, and lists the pairs.
func DropMislabelled(photos []Photo, within float64) ([]Photo, []Mislabelled) {
	drop := make([]bool, len(photos))
	var pairs []Mislabelled
	var mu sync.Mutex
	parallel(len(photos), func(i int) {
		if len(photos[i].Descriptors) == 0 {
			return
		}
		for j := i + 1; j < len(photos); j++ {
			if photos[j].Identity == photos[i].Identity || len(photos[j].Descriptors) == 0 {
				continue
			}
			if d := photos[i].Descriptors[0].Distance(photos[j].Descriptors[0]); d < within {
				mu.Lock()
				drop[i], drop[j] = true, true
				pairs = append(pairs, Mislabelled{A: shortPath(photos[i].Path), B: shortPath(photos[j].Path), Distance: d})
				mu.Unlock()
			}
		}
	})
	kept := make([]Photo, 0, len(photos))
	for i, p := range photos {
		if !drop[i] {
			kept = append(kept, p)
		}
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].Distance < pairs[j].Distance })
	return kept, pairs
}

// shortPath names a photo by its folder and file name only.
func shortPath(p string) string {
	return filepath.Join(filepath.Base(filepath.Dir(p)), filepath.Base(p))
}
