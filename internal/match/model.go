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
// lie at most d apart, and M is the number of faces searched. Treating the
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
	return -math.Expm1(float64(max(faces, 1)) * math.Log1p(-q))
}

// Distance is the largest distance at which FPIR(d, faces) is at most
// fpir.
func (m Model) Distance(fpir float64, faces int) float64 {
	lo, hi := 0.0, 2.0
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

// check says what is wrong with a model.
func (m Model) check() error {
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
