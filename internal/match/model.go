package match

import (
	"fmt"
	"math"
	"sort"
)

// Model says how often a search of an archive that does not hold the
// person shows a face at most a distance d from the reference:
//
//	FPIR(d, M) = 1 − (1 − q(d))^M
//
// where q(d) is the share of pairs of faces of two different people that
// lie at most d apart, and M is the number of faces searched (M^Exponent
// when the model has an exponent: see Exponent). Treating the
// M faces as independent draws counts an individual's several photos as
// several chances, which overstates FPIR a little when they are alike: the
// words err on the side of saying less. `facetriage eval --open-set`
// measures q and checks the model against searches of galleries of
// several sizes.
type Model struct {
	// Points are q(d) measured: (distance, q) pairs, both increasing.
	Points [][2]float64 `json:"points"`
	// Tail extends q below the first point, where too few pairs were seen
	// to count: ln q(d) = A + B·d + C·d², fitted on the measured tail.
	Tail Tail `json:"tail"`
	// Exponent β, when set, makes the number of independent chances a
	// search of M faces has M^β rather than M: a model fitted on the
	// rank-1 scores of searches of several sizes (the normalised score,
	// whose faces share their search's normalisation), where q is no
	// longer a share of pairs but what one chance weighs. 0 means 1.
	Exponent float64 `json:"exponent,omitempty"`
}

// Tail is the fitted lower tail of q.
type Tail struct {
	Form string  `json:"form"`
	A    float64 `json:"a"`
	B    float64 `json:"b"`
	C    float64 `json:"c"`
	// From and To are the distances of the points it was fitted on.
	From float64 `json:"from"`
	To   float64 `json:"to"`
}

// Q is q(d): log-linear between measured points, the fitted tail below the
// first, and the last point's q (at most 1) above the last.
func (m Model) Q(d float64) float64 {
	ps := m.Points
	if len(ps) == 0 {
		return 1
	}
	if d < ps[0][0] {
		q := math.Exp(m.Tail.A + m.Tail.B*d + m.Tail.C*d*d)
		if m.Tail.Form == "" || q > ps[0][1] || math.IsNaN(q) {
			return ps[0][1] // no tail: the lowest measured rate (an upper bound)
		}
		return q
	}
	i := sort.Search(len(ps), func(i int) bool { return ps[i][0] >= d })
	if i == len(ps) {
		return math.Min(1, ps[len(ps)-1][1])
	}
	if ps[i][0] == d || i == 0 {
		return ps[i][1]
	}
	a, b := ps[i-1], ps[i]
	t := (d - a[0]) / (b[0] - a[0])
	return math.Exp(math.Log(a[1]) + t*(math.Log(b[1])-math.Log(a[1])))
}

// FPIR is the share of searches of M faces, none of the person, that show
// a face at most d away.
func (m Model) FPIR(d float64, faces int) float64 {
	q := m.Q(d)
	if q >= 1 {
		return 1
	}
	return -math.Expm1(m.chances(faces) * math.Log1p(-q))
}

// chances is how many independent chances a search of faces faces has.
func (m Model) chances(faces int) float64 {
	n := float64(max(faces, 1))
	if m.Exponent > 0 && m.Exponent != 1 {
		return math.Pow(n, m.Exponent)
	}
	return n
}

// Distance is the largest distance (or normalised score, which can be
// negative) at which FPIR(d, faces) is at most fpir.
func (m Model) Distance(fpir float64, faces int) float64 {
	lo, hi := -10.0, 2.0
	for range 60 {
		mid := (lo + hi) / 2
		if m.FPIR(mid, faces) <= fpir {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// Exponents outside this range are refused: measured on LFW, β = 0.99.
const (
	MinExponent = 0.5
	MaxExponent = 1.5
)

// check says what is wrong with a model.
func (m Model) check() error {
	if e := m.Exponent; e != 0 && !(MinExponent <= e && e <= MaxExponent) {
		return fmt.Errorf("match: the model's exponent %v is outside [%v, %v]", e, MinExponent, MaxExponent)
	}
	if len(m.Points) < 2 {
		return fmt.Errorf("match: the model has %d points, want at least 2", len(m.Points))
	}
	for i, p := range m.Points {
		if p[1] <= 0 || p[1] > 1 || (i > 0 && (p[0] <= m.Points[i-1][0] || p[1] < m.Points[i-1][1])) {
			return fmt.Errorf("match: the model's point %d (%v) is not increasing or not a rate", i, p)
		}
	}
	return nil
}

// Normalisation is the score the words read from archives of MinFaces
// faces up (adaptive S-norm with the archive as its own cohort): for a
// candidate's nearest face at distance d,
//
//	s = Mu + Sigma·((d − μr)/σr + (d − μf)/σf)/2
//
// where μr, σr are the mean and spread of the nearest NearestShare of the
// reference's distances to Cohort archive faces (vector.Store.Sample),
// and μf, σf the same for the candidate's face, over the cohort's faces of
// other individuals. Model is the FPIR of s at the archive's size, fitted
// on searches (`facetriage eval --open-set`).
type Normalisation struct {
	Cohort       int     `json:"cohort"`
	NearestShare float64 `json:"nearest_share"`
	Mu           float64 `json:"mu"`
	Sigma        float64 `json:"sigma"`
	MinFaces     int     `json:"min_faces"`
	Model        Model   `json:"model"`
	// Source says where the model comes from and how it held.
	Source map[string]any `json:"source,omitempty"`
}

// check says what is wrong with a normalisation.
func (n *Normalisation) check() error {
	if n == nil {
		return nil
	}
	if n.Cohort < 10 || !(0 < n.NearestShare && n.NearestShare <= 1) || !(0 < n.Sigma && n.Sigma <= 1) || !(0 < n.Mu && n.Mu <= 2) || n.MinFaces < n.Cohort {
		return fmt.Errorf("match: the normalisation's cohort %d, share %v, mu %v, sigma %v or min_faces %d is out of range", n.Cohort, n.NearestShare, n.Mu, n.Sigma, n.MinFaces)
	}
	if err := n.Model.check(); err != nil {
		return fmt.Errorf("match: normalised %w", err)
	}
	return nil
}

// Stats are the mean and spread of one face's distances to a cohort.
type Stats struct{ Mu, Sigma float64 }

// CohortStats are the mean and spread of the share nearest of ds (all of
// them when share is 0; at least 2). It sorts ds.
func CohortStats(ds []float64, share float64) Stats {
	if k := max(2, int(math.Round(share*float64(len(ds))))); share > 0 && k < len(ds) {
		sort.Float64s(ds)
		ds = ds[:k]
	}
	var s, ss float64
	for _, x := range ds {
		s += x
		ss += x * x
	}
	n := math.Max(1, float64(len(ds)))
	mu := s / n
	return Stats{Mu: mu, Sigma: math.Sqrt(math.Max(ss/n-mu*mu, 1e-12))}
}

// SamePhoto is the distance under which two faces are taken for one
// photograph (a copy, re-encoded or resized) rather than for two: no two
// different people's faces in LFW lie this near (the nearest pair, 0.126,
// is one news photo cut in two). A reference's copy in the archive is not
// part of its cohort.
const SamePhoto = 0.1

// OtherPhotos drops the distances under SamePhoto, in place.
func OtherPhotos(ds []float64) []float64 {
	out := ds[:0]
	for _, d := range ds {
		if d >= SamePhoto {
			out = append(out, d)
		}
	}
	return out
}

// Score is the normalised score of a distance d between a reference and
// a face with cohort statistics ref and face.
func (n Normalisation) Score(d float64, ref, face Stats) float64 {
	return n.Mu + n.Sigma*((d-ref.Mu)/ref.Sigma+(d-face.Mu)/face.Sigma)/2
}
