package eval

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/match"
)

// at is a descriptor at x on the first axis.
func at(x float32) []face.Descriptor { return []face.Descriptor{vec(x)} }

// A mated search finds its person among the others; the same search
// non-mated has the person taken out of the gallery, and M and N count
// what was searched.
func TestOpenSetMatedAndNonMatedSearches(t *testing.T) {
	photos := []Photo{
		{Sample{"a1", "a"}, at(0)},   // search
		{Sample{"a2", "a"}, at(0.3)}, // a's gallery photo
		{Sample{"b1", "b"}, at(0.2)},
		{Sample{"c1", "c"}, []face.Descriptor{vec(0.5), vec(0.1)}}, // two faces: c counts both
		{Sample{"d1", "d"}, nil},                                   // no face: not in any draw
	}
	o := NewOpenSet(photos, []bool{false, true, true, true, true}, []SearchSpec{{0}})
	if o.Searches() != 1 || len(o.Faces) != 4 {
		t.Fatalf("%d searches, %d faces", o.Searches(), len(o.Faces))
	}
	d := o.DrawGallery(10, rand.New(rand.NewSource(1)))
	if len(d.Members) != 3 || d.Faces != 4 {
		t.Fatalf("draw %v with %d faces, want a, b, c with 4", d.Members, d.Faces)
	}
	mated, non := splitOutcomes(o.Outcomes(d, NearestFace{}))
	if len(mated) != 1 || len(non) != 1 {
		t.Fatalf("%d mated, %d non-mated", len(mated), len(non))
	}
	m, n := mated[0], non[0]
	// c at 0.1, b at 0.2, a at 0.3: a third.
	if m.Rank != 3 || math.Abs(m.Mate-0.3) > 1e-6 || m.Faces != 4 || m.Individuals != 3 {
		t.Fatalf("mated %+v", m)
	}
	if math.Abs(n.First-0.1) > 1e-6 || math.Abs(n.Second-0.2) > 1e-6 || n.Faces != 3 || n.Individuals != 2 {
		t.Fatalf("non-mated %+v: want rank 1 c at 0.1, b second, 3 faces of 2 people", n)
	}
	if f := FNIR(mated, 0.35, 1); f != 1 {
		t.Errorf("FNIR at rank 1 = %v, want 1 (a is third)", f)
	}
	if f := FNIR(mated, 0.35, 3); f != 0 {
		t.Errorf("FNIR in a shortlist of 3 = %v, want 0", f)
	}
	if cmc := CMC(mated, 3); cmc[1] != 0 || cmc[2] != 1 {
		t.Errorf("CMC %v", cmc)
	}
}

// A photo is not its own match: leave-one-out leaves out every face of
// the search's photo, and a person with no other photo is only searched
// non-mated.
func TestLeaveOneOutLeavesTheSearchPhotoOut(t *testing.T) {
	photos := []Photo{
		{Sample{"a1", "a"}, []face.Descriptor{vec(0), vec(0.05)}},
		{Sample{"a2", "a"}, at(0.4)},
		{Sample{"b1", "b"}, at(0.3)},
	}
	o := LeaveOneOutOpenSet(photos)
	d := o.DrawGallery(o.Individuals(), nil)
	mated, non := splitOutcomes(o.Outcomes(d, NearestFace{}))
	// a1 and a2 search mated (each has the other); b1 has no other photo.
	if len(mated) != 2 || len(non) != 3 {
		t.Fatalf("%d mated, %d non-mated", len(mated), len(non))
	}
	for _, oc := range mated {
		if o.SearchOf[oc.Search] == 0 && oc.Search == 0 && math.Abs(oc.Mate-0.4) > 1e-6 {
			t.Errorf("a1 found a at %v: its own photo's second face counted", oc.Mate)
		}
	}
}

func TestThresholdAtKeepsTheRate(t *testing.T) {
	sorted := []float64{0.1, 0.2, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}
	for _, r := range []float64{0.05, 0.1, 0.2, 0.25, 0.5} {
		th := ThresholdAt(sorted, r)
		if share(sorted, th) > r {
			t.Errorf("rate %v: threshold %v lets %v through", r, th, share(sorted, th))
		}
	}
	if th := ThresholdAt(sorted, 0.2); th >= 0.2 {
		t.Errorf("ties at 0.2 cannot be split: threshold %v", th)
	}
}

// synth makes a population of identities in 128 dimensions: a centre per
// identity, and faces scattered around it.
func synth(rng *rand.Rand, ids, withTwo int, centre, spread float64) []Photo {
	var out []Photo
	for i := range ids {
		var c face.Descriptor
		for k := range c {
			c[k] = float32(rng.NormFloat64() * centre)
		}
		n := 1
		if i < withTwo {
			n = 2
		}
		for j := range n {
			var d face.Descriptor
			for k := range d {
				d[k] = c[k] + float32(rng.NormFloat64()*spread)
			}
			out = append(out, Photo{Sample{fmt.Sprintf("p%05d_%d", i, j), fmt.Sprintf("id%05d", i)}, []face.Descriptor{d}})
		}
	}
	return out
}

// On faces drawn independently, the model FPIR(d, M) = 1 − (1 − q(d))^M
// is what the searches measure: the check must find it conservative and
// not far off.
func TestModelHoldsOnIndependentFaces(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	photos := synth(rng, 2500, 1200, 0.045, 0.02)
	im := MeasureImpostors(photos, 0.001, 0.7)
	m, err := BuildModel(im.qFunc(), ModelSpec{FitMinPairs: 20, FitMaxQ: 1e-2, FitStep: 0.005, PointMinPairs: 50, PointStep: 0.01, PointMax: 1.3})
	if err != nil {
		t.Fatal(err)
	}
	var sp Split
	var probes, archive []Faces
	for i := 0; i < len(photos); i++ {
		f := Faces{Path: photos[i].Path, Descriptors: photos[i].Descriptors}
		if i+1 < len(photos) && photos[i+1].Identity == photos[i].Identity {
			sp.Probes, probes = append(sp.Probes, photos[i].Sample), append(probes, f)
			continue
		}
		sp.Archive, archive = append(sp.Archive, photos[i].Sample), append(archive, f)
	}
	o := FamilyOpenSet(sp, probes, archive, true)
	rates := []float64{0.01, 0.1}
	for _, r := range o.EvaluateSizes([]SizeSpec{{100, 20}, {1000, 4}}, rates, 20, 1, NearestFace{}) {
		for _, c := range CheckModel(m, r, 20) {
			t.Logf("N %d, M %.0f, rate %v: model distance %.3f, measured FPIR %.4f (%d of %d), CI %v", r.Individuals, r.NonMatedFaces, c.Rate, c.Distance, c.Measured, c.Count, r.NonMated, c.CI)
			if c.CI[0] > c.Rate {
				t.Errorf("N %d, rate %v: measured %.4f (CI %v): the model is not conservative on independent faces", r.Individuals, c.Rate, c.Measured, c.CI)
			}
			if c.CI[1] < c.Rate/3 {
				t.Errorf("N %d, rate %v: measured %.4f (CI %v): the model is far too cautious on independent faces", r.Individuals, c.Rate, c.Measured, c.CI)
			}
		}
	}
}

// The fitted tail rises with distance, lies near the measured q where it
// was fitted, and the model it makes is one the product reads.
func TestBuildModelFitsTheTail(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	photos := synth(rng, 1500, 0, 0.045, 0.02)
	im := MeasureImpostors(photos, 0.001, 0.7)
	m, err := BuildModel(im.qFunc(), DefaultModelSpec)
	if err != nil {
		t.Fatal(err)
	}
	for d := m.Tail.From; d <= m.Tail.To; d += 0.01 {
		fit := math.Exp(m.Tail.A + m.Tail.B*d + m.Tail.C*d*d)
		if q := im.Q(d); q > 0 && (fit > 3*q || fit < q/3) {
			t.Errorf("q(%.3f) = %.3g measured, %.3g fitted", d, q, fit)
		}
	}
	b, _ := json.Marshal(match.Thresholds{Rates: match.Rates{Strong: 0.001, Possible: 0.01, Weak: 0.1}, Model: m})
	if _, err := match.Parse(b); err != nil {
		t.Fatalf("the product would not read the model: %v", err)
	}
	// A resampling of the identities gives about the same q.
	for _, level := range []float64{1e-3, 1e-2, 0.05} {
		d := im.DistanceAtQ(level)
		q, _ := im.qFunc()(d)
		if q2, _ := im.Resampled(rand.New(rand.NewSource(1)))(d); q2 <= 0 || math.Abs(math.Log(q2/q)) > 0.5 {
			t.Errorf("resampled q(%.2f) = %.3g against %.3g", d, q2, q)
		}
	}
}

func TestShiftAndScaleModel(t *testing.T) {
	m := match.Model{Points: [][2]float64{{0.5, 0.001}, {0.6, 0.01}, {0.7, 0.1}},
		Tail: match.Tail{Form: "ln q = a + b*d + c*d^2", A: -20, B: 27.6, C: 0, From: 0.3, To: 0.5}}
	s := shiftModel(m, 0.1)
	for _, d := range []float64{0.35, 0.45, 0.55, 0.65} {
		if a, b := s.Q(d-0.1), m.Q(d); math.Abs(math.Log(a/b)) > 1e-6 {
			t.Errorf("shifted q(%.2f) = %g, want q(%.2f) = %g", d-0.1, a, d, b)
		}
	}
	k := ScaleModel(m, 2)
	if q := k.Q(0.55); math.Abs(q/m.Q(0.55)-2) > 1e-3 {
		t.Errorf("scaled q %g, want twice %g", q, m.Q(0.55))
	}
	if q := k.Q(0.4); math.Abs(q/m.Q(0.4)-2) > 1e-3 {
		t.Errorf("scaled tail %g, want twice %g", q, m.Q(0.4))
	}
}

// The heterogeneous model is the product's when K is unset, agrees with
// it while M·q is small, and rises more slowly beyond.
func TestHeterogeneousModel(t *testing.T) {
	m := match.Model{Points: [][2]float64{{0.3, 1e-7}, {0.5, 1e-4}, {0.7, 0.1}}}
	for _, d := range []float64{0.3, 0.4, 0.5, 0.6} {
		if a, b := (Heterogeneous{Model: m}).FPIR(d, 1000), m.FPIR(d, 1000); a != b {
			t.Fatalf("K unset: %g, want %g", a, b)
		}
	}
	h := Heterogeneous{Model: m, K: 0.5}
	if a, b := h.FPIR(0.3, 100), m.FPIR(0.3, 100); math.Abs(a/b-1) > 0.01 {
		t.Errorf("small M·q: %g against %g", a, b)
	}
	if a, b := h.FPIR(0.6, 10000), m.FPIR(0.6, 10000); a >= b {
		t.Errorf("large M·q: %g, not under %g", a, b)
	}
	if d := h.Distance(0.01, 5000); h.FPIR(d, 5000) > 0.01 || h.FPIR(d+0.01, 5000) <= 0.01 {
		t.Errorf("Distance(0.01) = %.4f gives %g", d, h.FPIR(d, 5000))
	}
	// needQ inverts FPIR.
	for _, k := range []float64{0.3, 3, math.Inf(1)} {
		q := needQ(0.05, 2000, k)
		hh := Heterogeneous{Model: match.Model{Points: [][2]float64{{0.4, q}, {0.6, q}}}, K: k}
		if f := hh.FPIR(0.5, 2000); math.Abs(f-0.05) > 1e-9 {
			t.Errorf("K %v: needQ gives FPIR %g", k, f)
		}
	}
}

// Z-norm discounts a reference that lies near everyone: its nearest
// stranger, at the same distance as another reference's, scores farther.
func TestZNormDiscountsACrowdedReference(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	photos := synth(rng, 300, 0, 0.045, 0.02)
	var crowded, lonely face.Descriptor // the crowded one sits at the centre of everyone
	for k := range lonely {
		lonely[k] = float32(rng.NormFloat64() * 0.09)
	}
	photos = append(photos, Photo{Sample{"x", "x"}, []face.Descriptor{crowded}}, Photo{Sample{"y", "y"}, []face.Descriptor{lonely}})
	gallery := make([]bool, len(photos))
	for i := range gallery {
		gallery[i] = i < 300
	}
	o := NewOpenSet(photos, gallery, []SearchSpec{{300}, {301}})
	d := o.DrawGallery(o.Individuals(), nil)
	raw, z := make([]float64, len(d.Members)), make([]float64, len(d.Members))
	NearestFace{}.ForDraw(o, d)(0, false, raw)
	norm := Norm{Kind: NormZ, Mu: 0.7, Sigma: 0.05}.ForDraw(o, d)
	norm(0, false, z)
	minRaw, minZ := math.Inf(1), math.Inf(1)
	for k := range raw {
		minRaw, minZ = math.Min(minRaw, raw[k]), math.Min(minZ, z[k])
	}
	if minZ <= minRaw {
		t.Errorf("the crowded reference's nearest stranger: %.3f raw, %.3f normalised: not discounted", minRaw, minZ)
	}
}

func TestVerdicts(t *testing.T) {
	for _, c := range []struct {
		k, n int
		rate float64
		want string
	}{{0, 31, 0.01, TooFew}, {25, 31, 0.001, Fails}, {3, 1000, 0.01, Holds}, {12, 1000, 0.01, HoldsNear}, {40, 1000, 0.01, Fails}} {
		if got := verdict(c.k, c.n, c.rate); got != c.want {
			t.Errorf("%d of %d at %v: %q, want %q", c.k, c.n, c.rate, got, c.want)
		}
	}
}

func TestLoadNamedAndPopulations(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"tzuyu.jpg", "tzuyu2.jpg", "jimin7.JPG", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, named, err := LoadAny(dir)
	if err != nil || !named || len(s) != 3 {
		t.Fatalf("%v %v %v", s, named, err)
	}
	ids := map[string]int{}
	for _, x := range s {
		ids[x.Identity]++
	}
	if ids["tzuyu"] != 2 || ids["jimin"] != 1 {
		t.Fatalf("identities %v", ids)
	}
	names, by := PopulationsOf("dev", []Sample{{"a", "5celeb:ben"}, {"b", "orl:s1"}, {"c", "orl:s2"}})
	if len(names) != 2 || names[0] != "dev/5celeb" || len(by["dev/orl"]) != 2 {
		t.Fatalf("%v %v", names, by)
	}
}

// The thresholds file keeps its format: the product reads what the
// harness writes, and the per-pair levels stay.
func TestWriteThresholdsKeepsTheFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "thresholds.json")
	b, err := os.ReadFile("../match/thresholds.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	old, _ := match.Parse(b)
	m := match.Model{Points: [][2]float64{{0.4, 1e-6}, {0.5, 1e-4}, {0.6, 0.005}, {0.7, 0.1}},
		Tail: match.Tail{Form: "ln q = a + b*d + c*d^2", A: -30, B: 40, From: 0.3, To: 0.45}}
	rep := &OpenSetReport{Model: m, ModelName: "test", Impostors: &Impostors{Bin: 0.001, Pairs: 10},
		Config: DefaultOpenSetConfig(old.Rates)}
	if err := rep.WriteThresholds(path, false); err != nil {
		t.Fatal(err)
	}
	out, _ := os.ReadFile(path)
	got, err := match.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Strong != old.Strong || got.Source != old.Source || len(got.Model.Points) != 4 || got.OpenSet["chosen"] != "test" {
		t.Fatalf("written: %+v", got)
	}

	// --normalised-only: the normalised model is written, the raw one and
	// its provenance stay.
	other := &OpenSetReport{Model: match.Model{Points: [][2]float64{{0.3, 1e-6}, {0.9, 1}}}, ModelName: "other",
		Impostors: &Impostors{Bin: 0.001, Pairs: 10}, Config: DefaultOpenSetConfig(old.Rates),
		Normalised: &NormalisedModel{Name: "S-norm", Norm: Norm{Kind: NormS, Cohort: 1000, Top: 0.2, Mu: 0.8169, Sigma: 0.0892},
			FitSizes: []int{1000, 2000}, Model: match.Model{Exponent: 0.6, Points: [][2]float64{{-0.5, 1e-7}, {0.2, 1e-4}, {0.9, 1}}}}}
	if err := other.WriteThresholds(path, true); err != nil {
		t.Fatal(err)
	}
	out, _ = os.ReadFile(path)
	if got, err = match.Parse(out); err != nil {
		t.Fatal(err)
	}
	n := got.Normalised
	if len(got.Model.Points) != 4 || got.OpenSet["chosen"] != "test" || n == nil || n.Cohort != 1000 || n.MinFaces != 1000 ||
		n.Model.Exponent != 0.6 || len(n.Model.Points) != 3 || n.Source["normaliser"] != "S-norm" {
		t.Fatalf("written with --normalised-only: raw %v, chosen %v, normalised %+v", got.Model.Points, got.OpenSet["chosen"], n)
	}
	if !got.Normalises(1000) || got.Normalises(999) {
		t.Error("the words should read the normalised score from 1,000 faces up, and only there")
	}
}
