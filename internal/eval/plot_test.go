package eval

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestPlotWritesFigures(t *testing.T) {
	v := Verification{Genuine: []float64{0.2, 0.3, 0.4, 0.5}, Impostor: []float64{0.5, 0.6, 0.7, 0.8, 0.9}}
	r := Report{
		Conditions: []Condition{{Name: "upright"}, {Name: "rotated"}},
		Results: []Result{
			{Method: "product", Condition: "upright", Scores: Score([]int{1, 2, 3})},
			{Method: "baseline", Condition: "upright", Scores: Score([]int{1, 5, 0})},
			{Method: "product", Condition: "rotated", Scores: Score([]int{1, 2, 4})},
			{Method: "baseline", Condition: "rotated", Scores: Score([]int{0, 0, 9})},
		},
		ROC: v.ROC(),
	}
	r.Thresholds = ChooseThresholds(v, Meta{}, "test")
	dir := t.TempDir()
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cmc-upright.png", "cmc-rotated.png", "roc.png", "rates-by-distance.png"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() < 300 {
			t.Errorf("%s: not a PNG figure: %v", name, err)
		}
	}
	for _, name := range []string{"results.json", "report.md"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing", name)
		}
	}
}
