package eval

import (
	"math"
	"math/rand"
	"sort"

	"github.com/facetriage/facetriage/internal/face"
)

// Impostors is q(d) measured: the distances between the main faces (the
// largest face of each photo) of every pair of photos of two different
// people. It is counted in a histogram over the whole range, and the
// pairs of its lower tail are kept one by one, with their identities, for
// exact counts and for the bootstrap over identities.
type Impostors struct {
	// Bin is the histogram's bin width; Counts[k] counts the pairs with
	// k·Bin ≤ distance < (k+1)·Bin.
	Bin    float64 `json:"bin"`
	Counts []int64 `json:"-"`
	// Pairs is the number of pairs measured; Faces and Identities the
	// faces (one per photo) and people they come from.
	Pairs      int64 `json:"pairs"`
	Faces      int   `json:"faces"`
	Identities int   `json:"identities"`
	// TailMax: every pair nearer than this is kept in tail.
	TailMax float64 `json:"tail_max"`
	tail    []tailPair
	// facesOf[i] is identity i's number of faces.
	facesOf []int
}

type tailPair struct {
	d    float32
	a, b int32
}

// MeasureImpostors measures every pair of main faces of two different
// people among photos (photos without a face are left out).
func MeasureImpostors(photos []Photo, bin, tailMax float64) *Impostors {
	ids := map[string]int32{}
	var descs []face.Descriptor
	var who []int32
	for _, p := range photos {
		if len(p.Descriptors) == 0 {
			continue
		}
		id, ok := ids[p.Identity]
		if !ok {
			id = int32(len(ids))
			ids[p.Identity] = id
		}
		descs = append(descs, p.Descriptors[0])
		who = append(who, id)
	}
	im := &Impostors{Bin: bin, TailMax: tailMax, Faces: len(descs), Identities: len(ids),
		Counts: make([]int64, int(2/bin)+2), facesOf: make([]int, len(ids))}
	for _, id := range who {
		im.facesOf[id]++
	}
	type part struct {
		counts []int64
		tail   []tailPair
	}
	// Rows in blocks, so that the per-row work is even and the partial
	// histograms few.
	const block = 64
	nBlocks := (len(descs) + block - 1) / block
	partials := make([]part, nBlocks)
	parallel(nBlocks, func(b int) {
		p := part{counts: make([]int64, len(im.Counts))}
		for i := b * block; i < min((b+1)*block, len(descs)); i++ {
			for j := i + 1; j < len(descs); j++ {
				if who[i] == who[j] {
					continue
				}
				d := descs[i].Distance(descs[j])
				p.counts[min(int(d/bin), len(p.counts)-1)]++
				if d < tailMax {
					p.tail = append(p.tail, tailPair{float32(d), who[i], who[j]})
				}
			}
		}
		partials[b] = p
	})
	for _, p := range partials {
		for k, c := range p.counts {
			im.Counts[k] += c
			im.Pairs += c
		}
		im.tail = append(im.tail, p.tail...)
	}
	sort.Slice(im.tail, func(i, j int) bool { return im.tail[i].d < im.tail[j].d })
	return im
}

// Count is the number of pairs at most d apart: exact under TailMax,
// from the histogram above (counted to the bin's edge).
func (im *Impostors) Count(d float64) int64 {
	if d < im.TailMax {
		return int64(sort.Search(len(im.tail), func(i int) bool { return float64(im.tail[i].d) > d }))
	}
	var n int64
	for k := 0; k < len(im.Counts) && float64(k+1)*im.Bin <= d+1e-12; k++ {
		n += im.Counts[k]
	}
	return n
}

// Q is the share of pairs at most d apart.
func (im *Impostors) Q(d float64) float64 {
	if im.Pairs == 0 {
		return 0
	}
	return float64(im.Count(d)) / float64(im.Pairs)
}

// qFunc is q(d) and the number of pairs it rests on.
type qFunc func(d float64) (q, count float64)

func (im *Impostors) qFunc() qFunc {
	return func(d float64) (float64, float64) {
		n := im.Count(d)
		return float64(n) / float64(im.Pairs), float64(n)
	}
}

// Resampled is q under a bootstrap over identities: each identity is
// drawn with replacement, and the pairs between copies of two different
// identities count (copies of one identity are one person). It covers
// distances under TailMax only.
func (im *Impostors) Resampled(rng *rand.Rand) qFunc {
	w := make([]float64, len(im.facesOf))
	for range im.facesOf {
		w[rng.Intn(len(w))]++
	}
	var sum, sq float64
	for i, n := range im.facesOf {
		sum += w[i] * float64(n)
		sq += w[i] * w[i] * float64(n) * float64(n)
	}
	total := (sum*sum - sq) / 2
	cum := make([]float64, len(im.tail))
	var c float64
	for k, p := range im.tail {
		c += w[p.a] * w[p.b]
		cum[k] = c
	}
	return func(d float64) (float64, float64) {
		k := sort.Search(len(im.tail), func(i int) bool { return float64(im.tail[i].d) > d })
		if k == 0 {
			return 0, 0
		}
		return cum[k-1] / total, cum[k-1]
	}
}

// TailDistances are the distances of the kept lower tail, sorted.
func (im *Impostors) TailDistances() []float64 {
	out := make([]float64, len(im.tail))
	for i, p := range im.tail {
		out[i] = float64(p.d)
	}
	return out
}

// DistanceAtQ is the distance at which q first reaches qq.
func (im *Impostors) DistanceAtQ(qq float64) float64 {
	need := int64(math.Ceil(qq * float64(im.Pairs)))
	if need <= int64(len(im.tail)) && need > 0 {
		return float64(im.tail[need-1].d)
	}
	var n int64
	for k, c := range im.Counts {
		n += c
		if n >= need {
			return float64(k+1) * im.Bin
		}
	}
	return 2
}
