package eval

import (
	"fmt"
	"image/color"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Plot writes the report's figures into dir: a CMC curve per condition
// (product against baseline), the ROC curve, and the false and true match
// rates against distance with the chosen thresholds.
func (r Report) Plot(dir string) error {
	for _, c := range r.Conditions {
		p := plot.New()
		p.Title.Text = "CMC: " + c.Name
		p.X.Label.Text = "rank (individuals for the product, photos for the baseline)"
		p.Y.Label.Text = "share of probes found"
		p.Y.Min, p.Y.Max = 0, 1
		var lines []any
		for _, res := range filter(r.Results, c.Name) {
			pts := make(plotter.XYs, len(res.CMC))
			for i, v := range res.CMC {
				pts[i] = plotter.XY{X: float64(i + 1), Y: v}
			}
			lines = append(lines, res.Method, pts)
		}
		if err := plotutil.AddLines(p, lines...); err != nil {
			return err
		}
		p.Legend.Top = false
		if err := p.Save(6*vg.Inch, 4*vg.Inch, filepath.Join(dir, "cmc-"+c.Name+".png")); err != nil {
			return err
		}
	}
	if len(r.ROC) == 0 {
		return nil
	}
	roc := plot.New()
	roc.Title.Text = "Verification (product, upright)"
	roc.X.Label.Text = "false match rate (log scale)"
	roc.Y.Label.Text = "true match rate"
	roc.X.Scale = plot.LogScale{}
	roc.X.Tick.Marker = plot.LogTicks{}
	var pts plotter.XYs
	for _, p := range r.ROC {
		if p.FMR > 0 {
			pts = append(pts, plotter.XY{X: p.FMR, Y: p.TMR})
		}
	}
	if err := plotutil.AddLines(roc, "ROC", pts); err != nil {
		return err
	}
	if err := roc.Save(6*vg.Inch, 4*vg.Inch, filepath.Join(dir, "roc.png")); err != nil {
		return err
	}
	byDist := plot.New()
	byDist.Title.Text = "Match rates against distance, with the thresholds"
	byDist.X.Label.Text = "euclidean distance between descriptors"
	byDist.Y.Label.Text = "rate"
	var fmr, tmr plotter.XYs
	for _, p := range r.ROC {
		fmr = append(fmr, plotter.XY{X: p.Distance, Y: p.FMR})
		tmr = append(tmr, plotter.XY{X: p.Distance, Y: p.TMR})
	}
	if err := plotutil.AddLines(byDist, "false match rate", fmr, "true match rate", tmr); err != nil {
		return err
	}
	t := r.Thresholds
	for _, l := range []struct {
		name string
		d    float64
	}{{"strong", t.Strong.Distance}, {"possible", t.Possible.Distance}, {"weak", t.Weak.Distance}} {
		line, err := plotter.NewLine(plotter.XYs{{X: l.d, Y: 0}, {X: l.d, Y: 1}})
		if err != nil {
			return err
		}
		line.Color = color.Gray{Y: 120}
		line.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
		byDist.Add(line)
		byDist.Legend.Add(fmt.Sprintf("%s ≤ %.3f", l.name, l.d), line)
	}
	byDist.Legend.Top, byDist.Legend.Left = true, true
	return byDist.Save(6*vg.Inch, 4*vg.Inch, filepath.Join(dir, "rates-by-distance.png"))
}
