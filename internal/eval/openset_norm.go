package eval

import (
	"fmt"
	"math"
	"math/rand"

	"github.com/facetriage/facetriage/internal/match"
)

// Score normalisation with the archive as its own cohort. A search's
// distances are rescaled by how near the archive's faces lie to the
// reference in general (Z-norm), and each gallery face's by how near the
// archive lies to it (T-norm); S-norm averages the two. The adaptive
// variants take the statistics over the nearest share of the cohort only,
// where the impostors that matter lie. The normalised score is put back
// on the distance scale, d' = Mu + Sigma·z, with Mu and Sigma the mean
// and spread of impostor distances (constants measured once), so that the
// product's model and words read it as a distance.

// NormKind is which side is normalised.
type NormKind string

// Normalisations.
const (
	NormZ NormKind = "z" // the reference against the archive
	NormT NormKind = "t" // each archive face against the archive
	NormS NormKind = "s" // both, averaged
)

// Norm is a normalising scorer.
type Norm struct {
	Kind NormKind `json:"kind"`
	// Cohort is how many archive faces, drawn at random, the statistics
	// are computed on (all of them when the archive is smaller).
	Cohort int `json:"cohort"`
	// Top > 0 takes the mean and spread of that share of the cohort's
	// faces only, the nearest (adaptive); 0 takes all of them.
	Top float64 `json:"nearest_share"`
	// Mu and Sigma put the score back on the distance scale.
	Mu    float64 `json:"mu"`
	Sigma float64 `json:"sigma"`
	// NearestOnly scores an individual by the normalised score of its
	// nearest face (by distance), as a search that re-scores the
	// candidates a vector index returns does; otherwise by its best
	// normalised face.
	NearestOnly bool `json:"nearest_face_only"`
	// WithoutPerson leaves the person searched for out of the search's
	// cohort in mated searches too, as in an archive where their faces
	// are a negligible share (for small sets, where they are not).
	WithoutPerson bool  `json:"-"`
	Seed          int64 `json:"-"`
}

// normStats are a draw's cohort statistics.
type normStats struct {
	cohort []int32
	// faceMu, faceSd: per gallery face (T side); searchMu, searchSd: per
	// search (Z side).
	faceMu, faceSd     []float64
	searchMu, searchSd []float64
	// without: the search's statistics with its person left out of the
	// cohort (the non-mated search's archive).
	withoutMu, withoutSd []float64
}

// stats computes the mean and spread of xs, or of the share top of its
// smallest (at least 2): the product's match.CohortStats.
func stats(xs []float64, top float64) (float64, float64) {
	st := match.CohortStats(xs, top)
	return st.Mu, st.Sigma
}

func (nm Norm) prepare(o *OpenSet, d *Draw) *normStats {
	var faces []int32
	for _, i := range d.Members {
		faces = append(faces, o.FacesOf[i]...)
	}
	rng := rand.New(rand.NewSource(nm.Seed + int64(len(faces))))
	cohort := append([]int32(nil), faces...)
	if nm.Cohort > 0 && nm.Cohort < len(cohort) {
		rng.Shuffle(len(cohort), func(i, j int) { cohort[i], cohort[j] = cohort[j], cohort[i] })
		cohort = cohort[:nm.Cohort]
	}
	st := &normStats{cohort: cohort}
	if nm.Kind != NormZ {
		st.faceMu, st.faceSd = make([]float64, len(o.Faces)), make([]float64, len(o.Faces))
		parallel(len(faces), func(k int) {
			f := faces[k]
			xs := make([]float64, 0, len(cohort))
			for _, c := range cohort {
				if o.FaceOf[c] != o.FaceOf[f] { // its own individual is not its cohort
					xs = append(xs, o.Faces[f].Distance(o.Faces[c]))
				}
			}
			st.faceMu[f], st.faceSd[f] = stats(xs, nm.Top)
		})
	}
	if nm.Kind != NormT {
		n := o.Searches()
		st.searchMu, st.searchSd = make([]float64, n), make([]float64, n)
		st.withoutMu, st.withoutSd = make([]float64, n), make([]float64, n)
		parallel(n, func(s int) {
			with := make([]float64, 0, len(cohort))
			var without []float64
			for _, c := range cohort {
				if v := float64(o.dist[s][c]); !math.IsInf(v, 1) {
					with = append(with, v)
					if o.FaceOf[c] != o.SearchOf[s] {
						without = append(without, v)
					}
				}
			}
			// As the product: a copy of the reference is not its cohort.
			st.withoutMu[s], st.withoutSd[s] = stats(match.OtherPhotos(without), nm.Top)
			st.searchMu[s], st.searchSd[s] = stats(match.OtherPhotos(with), nm.Top)
		})
	}
	return st
}

// faceScore is the normalised score of search s against face f.
func (nm Norm) faceScore(o *OpenSet, st *normStats, s int, withPerson bool, f int32) float64 {
	d := float64(o.dist[s][f])
	var zs, zt float64
	if nm.Kind != NormT {
		mu, sd := st.searchMu[s], st.searchSd[s]
		if !withPerson || nm.WithoutPerson {
			mu, sd = st.withoutMu[s], st.withoutSd[s]
		}
		zs = (d - mu) / sd
	}
	if nm.Kind != NormZ {
		zt = (d - st.faceMu[f]) / st.faceSd[f]
	}
	z := zs + zt // one of them is zero for Z and T
	if nm.Kind == NormS {
		z /= 2
	}
	return nm.Mu + nm.Sigma*z
}

// ForDraw implements Scorer: an individual's score is its best face's.
func (nm Norm) ForDraw(o *OpenSet, d *Draw) ScoreFunc {
	st := nm.prepare(o, d)
	return func(s int, withPerson bool, scores []float64) {
		for k, i := range d.Members {
			if nm.NearestOnly {
				scores[k] = nm.faceScore(o, st, s, withPerson, o.nearestFace(s, i))
				continue
			}
			best := math.Inf(1)
			for _, f := range o.FacesOf[i] {
				if v := nm.faceScore(o, st, s, withPerson, f); v < best {
					best = v
				}
			}
			scores[k] = best
		}
	}
}

// FaceScores returns, for a draw, every search's normalised score
// against each face of another individual: the impostor scores from
// which the model's q is measured on this scale.
func (nm Norm) impostorScores(o *OpenSet, d *Draw) []float64 {
	st := nm.prepare(o, d)
	var faces []int32
	for _, i := range d.Members {
		faces = append(faces, o.FacesOf[i]...)
	}
	rows := make([][]float64, o.Searches())
	parallel(o.Searches(), func(s int) {
		row := make([]float64, 0, len(faces))
		for _, f := range faces {
			if o.FaceOf[f] != o.SearchOf[s] && !math.IsInf(float64(o.dist[s][f]), 1) {
				row = append(row, nm.faceScore(o, st, s, false, f))
			}
		}
		rows[s] = row
	})
	var out []float64
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// NearFaces scores an individual by its nearest face, made nearer by
// Weight for each other face of it within Within of that nearest one (at
// most Max of them): an individual several of whose photos lie near the
// reference is likelier the person than one with a single near photo.
type NearFaces struct {
	Within, Weight float64
	Max            int
}

// ForDraw implements Scorer.
func (nf NearFaces) ForDraw(o *OpenSet, d *Draw) ScoreFunc {
	return func(s int, _ bool, scores []float64) {
		row := o.dist[s]
		for k, i := range d.Members {
			best := float64(o.nearest[s][i])
			n := 0
			for _, f := range o.FacesOf[i] {
				if v := float64(row[f]); v > best && v <= best+nf.Within {
					n++
				}
			}
			scores[k] = best - nf.Weight*float64(min(n, nf.Max))
		}
	}
}

// nearestFace is individual i's face nearest to search s.
func (o *OpenSet) nearestFace(s int, i int32) int32 {
	best := o.FacesOf[i][0]
	for _, f := range o.FacesOf[i] {
		if o.dist[s][f] < o.dist[s][best] {
			best = f
		}
	}
	return best
}

// Formula says how the normaliser scores a candidate's face at
// distance d, for a reader who implements it.
func (nm Norm) Formula() string {
	share := "all"
	if nm.Top > 0 {
		share = fmt.Sprintf("the nearest %.0f %%", 100*nm.Top)
	}
	r := fmt.Sprintf("mu_r, sigma_r: mean and standard deviation of %s of the reference's distances to a cohort of %d archive faces drawn at random", share, nm.Cohort)
	f := "mu_f, sigma_f: the same for the archive face, over the cohort's faces of other individuals (cached per face)"
	switch nm.Kind {
	case NormZ:
		return fmt.Sprintf("d' = %.4f + %.4f*(d - mu_r)/sigma_r; %s", nm.Mu, nm.Sigma, r)
	case NormT:
		return fmt.Sprintf("d' = %.4f + %.4f*(d - mu_f)/sigma_f; %s", nm.Mu, nm.Sigma, f)
	}
	return fmt.Sprintf("d' = %.4f + %.4f*((d - mu_r)/sigma_r + (d - mu_f)/sigma_f)/2; %s; %s", nm.Mu, nm.Sigma, r, f)
}
