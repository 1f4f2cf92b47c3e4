//go:build cgo

package native

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/testenv"
)

// TestFaceBudgetStopsTheSearchAndSaysSo: a photo with no face makes the
// search go through every level down to the CNN; with --face-budget
// spent, it stops after the first level, and the result says it was over
// budget rather than that the photo holds no face for certain.
func TestFaceBudgetStopsTheSearchAndSaysSo(t *testing.T) {
	if testing.Short() {
		t.Skip("real models")
	}
	img := image.NewRGBA(image.Rect(0, 0, 360, 240))
	for y := 0; y < 240; y++ {
		for x := 0; x < 360; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / 360), uint8(y * 255 / 240), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}

	whole := embed(t, testEngine(t).Engine, b.Bytes())
	if whole.Cost.Level != "cnn" || whole.Cost.OverBudget {
		t.Fatalf("without a budget the search ended at %q (over budget %v), want the CNN: the photo does not test the budget", whole.Cost.Level, whole.Cost.OverBudget)
	}

	cfg := testenv.Config(t)
	cfg.Workers, cfg.FaceBudget = 1, time.Nanosecond
	e, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	r := embed(t, e.Engine, b.Bytes())
	if !r.Cost.OverBudget {
		t.Errorf("the budget was spent but the result does not say so: %+v", r.Cost)
	}
	if r.Cost.Level == "cnn" || r.Cost.Views >= whole.Cost.Views {
		t.Errorf("over budget, the search still went on: %d views, level %q (without a budget: %d views)", r.Cost.Views, r.Cost.Level, whole.Cost.Views)
	}
	if len(r.Faces) != 0 {
		t.Errorf("%d faces in a photo without one", len(r.Faces))
	}
	t.Logf("without a budget: %d views, %s, level %s; with a spent budget: %d views, %s", whole.Cost.Views, whole.Cost.Took.Round(time.Millisecond), whole.Cost.Level, r.Cost.Views, r.Cost.Took.Round(time.Millisecond))
}
