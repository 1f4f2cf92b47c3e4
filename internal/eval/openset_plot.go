package eval

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plot writes the open-set figures into dir: det.png, rank1-by-size.png,
// q.png and cmc.png.
func (rep *OpenSetReport) Plot(dir string) error {
	for name, fig := range map[string]func() (*plot.Plot, error){
		"det.png": rep.detPlot, "rank1-by-size.png": rep.rank1Plot, "q.png": rep.qPlot, "cmc.png": rep.cmcPlot,
	} {
		p, err := fig()
		if err != nil {
			return fmt.Errorf("eval: %s: %w", name, err)
		}
		if err := p.Save(7*vg.Inch, 4.5*vg.Inch, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

func (rep *OpenSetReport) sizeLabel(r SizeResult) string {
	return fmt.Sprintf("N = %s (M ≈ %s)", sizeName(int(math.Round(r.MeanIndividuals))), sizeName(int(math.Round(r.NonMatedFaces))))
}

func (rep *OpenSetReport) detPlot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "FNIR against FPIR (rank 1), per gallery size"
	p.X.Label.Text = "FPIR (log scale)"
	p.Y.Label.Text = "FNIR"
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 1e-4, 1, 0, 1
	var lines []any
	for _, r := range rep.Sizes {
		fpir, fnir := r.DET()
		var pts plotter.XYs
		for i := range fpir {
			if fpir[i] >= 1e-4 {
				pts = append(pts, plotter.XY{X: fpir[i], Y: fnir[i]})
			}
		}
		if len(pts) > 0 {
			lines = append(lines, rep.sizeLabel(r), pts)
		}
	}
	if err := plotutil.AddLines(p, lines...); err != nil {
		return nil, err
	}
	p.Legend.Top = true
	return p, nil
}

func (rep *OpenSetReport) rank1Plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Rank-1 distance of non-mated searches against the archive's size"
	p.X.Label.Text = "individuals N (log scale; model at the measured faces per individual)"
	p.Y.Label.Text = "distance"
	p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	var per float64
	for _, r := range rep.Sizes {
		per += r.NonMatedFaces / math.Max(1, r.MeanIndividuals-1)
	}
	per /= float64(len(rep.Sizes))
	for k, q := range []struct {
		name string
		p    float64
		get  func(Spread) float64
	}{{"median", 0.5, func(s Spread) float64 { return s.P50 }}, {"10th percentile", 0.1, func(s Spread) float64 { return s.P10 }},
		{"1st percentile", 0.01, func(s Spread) float64 { return s.P01 }}} {
		var meas, model plotter.XYs
		for _, r := range rep.Sizes {
			meas = append(meas, plotter.XY{X: r.MeanIndividuals, Y: q.get(r.Rank1)})
		}
		for n := 30.0; n <= 100000; n *= 1.25 {
			model = append(model, plotter.XY{X: n, Y: rep.Model.Distance(q.p, int(n*per))})
		}
		sc, err := plotter.NewScatter(meas)
		if err != nil {
			return nil, err
		}
		ln, err := plotter.NewLine(model)
		if err != nil {
			return nil, err
		}
		c := plotutil.Color(k)
		sc.Color, ln.Color = c, c
		sc.Shape = draw.CircleGlyph{}
		ln.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(sc, ln)
		p.Legend.Add("measured, "+q.name, sc)
		p.Legend.Add("model, "+q.name, ln)
	}
	p.Legend.Top = true
	return p, nil
}

func (rep *OpenSetReport) qPlot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "q(d): share of pairs of two people's faces at most d apart"
	p.X.Label.Text = "distance d"
	p.Y.Label.Text = "q (log scale)"
	p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0.15, 0.9, 1e-10, 1
	var meas, model plotter.XYs
	for d := 0.2; d <= 0.9; d += 0.005 {
		if q := rep.Impostors.Q(d); q > 0 {
			meas = append(meas, plotter.XY{X: d, Y: q})
		}
		if q := rep.Model.Q(d); q > 0 {
			model = append(model, plotter.XY{X: d, Y: q})
		}
	}
	lines := []any{"LFW, measured", meas, "model (chosen)", model}
	if err := plotutil.AddLines(p, lines...); err != nil {
		return nil, err
	}
	for i, pop := range rep.Populations[1:] {
		var pts plotter.XYs
		for _, q := range pop.Q {
			if q[1] > 0 {
				pts = append(pts, plotter.XY{X: q[0], Y: q[1]})
			}
		}
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sc.Color = plotutil.Color(i + 2)
		sc.Shape = plotutil.Shape(i)
		p.Add(sc)
		p.Legend.Add(pop.Name, sc)
	}
	line, err := plotter.NewLine(plotter.XYs{{X: rep.PairModel.Tail.From, Y: 1e-10}, {X: rep.PairModel.Tail.From, Y: 1}})
	if err != nil {
		return nil, err
	}
	line.Color = color.Gray{Y: 150}
	line.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
	p.Add(line)
	p.Legend.Add("below: the fitted tail alone", line)
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

func (rep *OpenSetReport) cmcPlot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "CMC of mated searches, per gallery size"
	p.X.Label.Text = "rank (individuals)"
	p.Y.Label.Text = "share of mated searches found"
	p.Y.Max = 1
	var lines []any
	for _, r := range rep.Sizes {
		pts := make(plotter.XYs, len(r.CMC))
		for i, v := range r.CMC {
			pts[i] = plotter.XY{X: float64(i + 1), Y: v}
		}
		lines = append(lines, rep.sizeLabel(r), pts)
	}
	if err := plotutil.AddLines(p, lines...); err != nil {
		return nil, err
	}
	p.Legend.Top = false
	return p, nil
}
