package eval

import (
	"errors"
	"fmt"
	"math"

	"github.com/facetriage/facetriage/internal/match"
)

// ModelSpec says how the product's model (match.Model) is drawn from a
// measured q(d).
type ModelSpec struct {
	// The lower tail ln q = a + b·d + c·d² is fitted by least squares,
	// each point weighted by its number of pairs, on distances FitStep
	// apart, from the nearest one with at least FitMinPairs pairs to the
	// farthest one whose q is at most FitMaxQ.
	FitMinPairs, FitMaxQ, FitStep float64
	// The model's points start at the nearest distance with at least
	// PointMinPairs pairs and go, PointStep apart, to PointMax (or to
	// where q reaches 1).
	PointMinPairs, PointStep, PointMax float64
	// Shift moves the whole curve nearer by this distance: q(d) becomes
	// the measured q(d + Shift), for a population whose impostors lie
	// nearer than the measured one's.
	Shift float64
}

// DefaultModelSpec is the spec the report uses.
var DefaultModelSpec = ModelSpec{FitMinPairs: 20, FitMaxQ: 1e-3, FitStep: 0.005,
	PointMinPairs: 100, PointStep: 0.01, PointMax: 1.3}

// ErrTailFit is returned when the lower tail cannot be fitted (too few
// pairs, or a fit that does not rise with distance).
var ErrTailFit = errors.New("eval: the lower tail of q cannot be fitted")

// BuildModel fits the tail and samples the points.
func BuildModel(q qFunc, spec ModelSpec) (match.Model, error) {
	var m match.Model
	var xs, ys, ws []float64
	for d := spec.FitStep; d < 2; d += spec.FitStep {
		d = round(d, 4)
		qq, n := q(d)
		if qq > spec.FitMaxQ {
			break
		}
		if n >= spec.FitMinPairs {
			xs, ys, ws = append(xs, d), append(ys, math.Log(qq)), append(ws, n)
		}
	}
	if len(xs) < 4 {
		return m, fmt.Errorf("%w: %d points", ErrTailFit, len(xs))
	}
	c, err := polyfit(xs, ys, ws, 2)
	if err != nil || !rising(c, xs[len(xs)-1]) {
		if c, err = polyfit(xs, ys, ws, 1); err != nil || !rising(c, xs[len(xs)-1]) {
			return m, fmt.Errorf("%w: coefficients %v", ErrTailFit, c)
		}
		c = append(c, 0)
	}
	m.Tail = match.Tail{Form: "ln q = a + b*d + c*d^2", A: c[0], B: c[1], C: c[2], From: xs[0], To: xs[len(xs)-1]}
	started := false
	for d := spec.PointStep; d <= spec.PointMax+1e-9; d += spec.PointStep {
		d = round(d, 4)
		qq, n := q(d)
		if !started && n < spec.PointMinPairs {
			continue
		}
		started = true
		m.Points = append(m.Points, [2]float64{d, sig(qq, 4)})
		if qq >= 1 {
			break
		}
	}
	if spec.Shift != 0 {
		m = shiftModel(m, spec.Shift)
	}
	if len(m.Points) < 2 {
		return m, fmt.Errorf("%w: %d points", ErrTailFit, len(m.Points))
	}
	return m, nil
}

// shiftModel moves a model nearer by delta: its q(d) is the old q(d+delta).
func shiftModel(m match.Model, delta float64) match.Model {
	var ps [][2]float64
	for _, p := range m.Points {
		if d := round(p[0]-delta, 4); d > 0 {
			ps = append(ps, [2]float64{d, p[1]})
		}
	}
	t := m.Tail
	t.A, t.B = t.A+t.B*delta+t.C*delta*delta, t.B+2*t.C*delta
	t.From, t.To = round(t.From-delta, 4), round(t.To-delta, 4)
	return match.Model{Points: ps, Tail: t}
}

// rising says whether a + b·d + c·d² rises on [0, to].
func rising(c []float64, to float64) bool {
	if len(c) < 2 || c[1] <= 0 {
		return false
	}
	if len(c) == 2 || c[2] == 0 {
		return true
	}
	return c[1]+2*c[2]*to > 0 // the slope is linear in d: positive at both ends
}

// polyfit fits y = Σ c_k x^k (k ≤ deg) by weighted least squares.
func polyfit(x, y, w []float64, deg int) ([]float64, error) {
	rows := make([][]float64, len(x))
	for k := range x {
		rows[k] = make([]float64, deg+1)
		rows[k][0] = 1
		for j := 1; j <= deg; j++ {
			rows[k][j] = rows[k][j-1] * x[k]
		}
	}
	if len(rows) == 0 {
		return nil, errors.New("eval: nothing to fit")
	}
	return lstsq(rows, y, w)
}

// solve solves the augmented system a (n rows of n+1) by Gaussian
// elimination with partial pivoting.
func solve(a [][]float64) ([]float64, error) {
	n := len(a)
	for col := 0; col < n; col++ {
		p := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-300 {
			return nil, errors.New("eval: singular fit")
		}
		a[col], a[p] = a[p], a[col]
		for r := 0; r < n; r++ {
			if r == col {
				continue
			}
			f := a[r][col] / a[col][col]
			for j := col; j <= n; j++ {
				a[r][j] -= f * a[col][j]
			}
		}
	}
	c := make([]float64, n)
	for i := range c {
		c[i] = a[i][n] / a[i][i]
	}
	return c, nil
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

// sig rounds x to n significant digits.
func sig(x float64, n int) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	e := math.Floor(math.Log10(math.Abs(x)))
	p := math.Pow(10, float64(n-1)-e)
	return math.Round(x*p) / p
}

// withTail answers q from tail under its range and from full above it.
func withTail(tail, full qFunc, tailMax float64) qFunc {
	return func(d float64) (float64, float64) {
		if d < tailMax {
			return tail(d)
		}
		return full(d)
	}
}
