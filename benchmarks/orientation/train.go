//go:build cgo

package main

import (
	"fmt"
	"math"
	"sort"
)

// logistic is a linear classifier: P(upright) = σ(w·features(d) + b).
type logistic struct {
	w []float64
	b float64
}

// features are the classifier's inputs: the descriptor and its norm.
func features(d [128]float32) []float64 {
	f := make([]float64, 129)
	var n float64
	for i, v := range d {
		f[i] = float64(v)
		n += float64(v) * float64(v)
	}
	f[128] = math.Sqrt(n)
	return f
}

func (m logistic) score(d [128]float32) float64 {
	s := m.b
	for i, v := range features(d) {
		s += m.w[i] * v
	}
	return s
}

// fitLogistic fits by Newton's method (IRLS) with L2 penalty lambda and
// class weights that balance the two classes.
func fitLogistic(ds [][128]float32, ys []bool, lambda float64) logistic {
	xs := make([][]float64, len(ds))
	for i, d := range ds {
		xs[i] = append(features(d), 1) // the last input is the intercept
	}
	d := len(xs[0])
	npos := 0
	for _, y := range ys {
		if y {
			npos++
		}
	}
	wpos := float64(len(ys)) / (2 * float64(npos))
	wneg := float64(len(ys)) / (2 * float64(len(ys)-npos))
	beta := make([]float64, d)
	for iter := 0; iter < 25; iter++ {
		h := make([][]float64, d)
		for i := range h {
			h[i] = make([]float64, d)
		}
		g := make([]float64, d)
		for n, x := range xs {
			var z float64
			for j, v := range x {
				z += beta[j] * v
			}
			p := 1 / (1 + math.Exp(-z))
			y, cw := 0.0, wneg
			if ys[n] {
				y, cw = 1, wpos
			}
			r := cw * (p - y)
			s := cw * p * (1 - p)
			for i, xi := range x {
				g[i] += r * xi
				hi := h[i]
				for j := i; j < d; j++ {
					hi[j] += s * xi * x[j]
				}
			}
		}
		for i := 0; i < d; i++ {
			for j := 0; j < i; j++ {
				h[i][j] = h[j][i]
			}
			if i < d-1 {
				h[i][i] += lambda
				g[i] += lambda * beta[i]
			}
		}
		step := solve(h, g)
		var norm float64
		for i := range beta {
			beta[i] -= step[i]
			norm += step[i] * step[i]
		}
		if norm < 1e-12 {
			break
		}
	}
	return logistic{w: beta[:d-1], b: beta[d-1]}
}

// solve returns x with a·x = b by Gaussian elimination with partial pivoting.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append(append([]float64{}, a[i]...), b[i])
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := m[r][n]
		for k := r + 1; k < n; k++ {
			s -= m[r][k] * x[k]
		}
		x[r] = s / m[r][r]
	}
	return x
}

// auc is the probability that a random upright sample scores above a
// random upside-down one.
func auc(scores []float64, ys []bool) float64 {
	type sy struct {
		s float64
		y bool
	}
	v := make([]sy, len(scores))
	for i := range scores {
		v[i] = sy{scores[i], ys[i]}
	}
	sort.Slice(v, func(i, j int) bool { return v[i].s < v[j].s })
	var rankSum, npos float64
	for i, e := range v {
		if e.y {
			rankSum += float64(i + 1)
			npos++
		}
	}
	nneg := float64(len(v)) - npos
	return (rankSum - npos*(npos+1)/2) / (npos * nneg)
}

func pct(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
