package eval

import (
	"math"
	"testing"

	"github.com/facetriage/facetriage/internal/face"
)

func TestFamilySplit(t *testing.T) {
	s := []Sample{{"a/2", "a"}, {"a/1", "a"}, {"a/3", "a"}, {"b/1", "b"}, {"c/1", "c"}, {"c/2", "c"}}
	sp := FamilySplit(s, 0)
	if len(sp.Probes) != 2 || sp.Probes[0].Path != "a/1" || sp.Probes[1].Path != "c/1" {
		t.Fatalf("probes %v, want a/1 and c/1", sp.Probes)
	}
	if len(sp.Archive) != 4 || sp.Distractors != 1 {
		t.Fatalf("archive %v (%d distractors), want a/2 a/3 c/2 b/1 and 1", sp.Archive, sp.Distractors)
	}
}

func vec(x float32) face.Descriptor {
	var d face.Descriptor
	d[0] = x
	return d
}

func TestRanks(t *testing.T) {
	archive := []Sample{{"a2", "a"}, {"a3", "a"}, {"x1", "x"}, {"y1", "y"}, {"z1", "z"}}
	faces := []Faces{
		{Descriptors: []face.Descriptor{vec(0.5)}},
		{Descriptors: []face.Descriptor{vec(0.45)}},
		{Descriptors: []face.Descriptor{vec(0.1)}},
		{Descriptors: []face.Descriptor{vec(0.2), vec(0.3)}},
		{}, // no face
	}
	g := NewGallery(archive, faces)
	r := g.Rank(vec(0), "a", AggMin)
	// Individuals by nearest face: x 0.1, y 0.2, a 0.45 → a third. Photos:
	// x1 0.1, y1 0.2, a3 0.45 → a's first photo third too.
	if r.Individual != 3 || r.Photo != 3 {
		t.Fatalf("ranks %+v, want individual 3, photo 3", r)
	}
	if r := g.Rank(vec(0), "z", AggMin); r.Individual != 0 {
		t.Fatalf("a person without a face in the archive ranked %d, want 0 (never found)", r.Individual)
	}
	// mean of two: y (0.2+0.3)/2 = 0.25, a (0.45+0.5)/2 = 0.475, x 0.1.
	if r := g.Rank(vec(0), "a", AggMean2); r.Individual != 3 {
		t.Fatalf("mean2 rank %d, want 3", r.Individual)
	}
	if got := g.RankFused([]face.Descriptor{vec(1), vec(0.5)}, "a", FuseMin); got != 1 {
		t.Fatalf("fused rank %d, want 1 (the second reference is nearest to a)", got)
	}
}

func TestScore(t *testing.T) {
	s := Score([]int{1, 2, 15, 0})
	if s.Hit[1] != 0.25 || s.Hit[5] != 0.5 || s.Hit[20] != 0.75 || s.NeverFound != 1 {
		t.Fatalf("%+v", s)
	}
	if s.MedianRank != 8.5 || math.Abs(s.MeanViewed-6) > 1e-9 || math.Abs(s.MeanViewed20-9.5) > 1e-9 {
		t.Fatalf("median %v, viewed %v, viewed20 %v", s.MedianRank, s.MeanViewed, s.MeanViewed20)
	}
}

func TestVerification(t *testing.T) {
	samples := []Sample{{"a1", "a"}, {"a2", "a"}, {"b1", "b"}, {"c1", "c"}}
	faces := []Faces{{Descriptors: []face.Descriptor{vec(0)}}, {Descriptors: []face.Descriptor{vec(0.3)}},
		{Descriptors: []face.Descriptor{vec(1)}}, {Descriptors: []face.Descriptor{vec(2)}}}
	v := Pairs(samples, faces, 1000, 1)
	if len(v.Genuine) != 1 || math.Abs(v.Genuine[0]-0.3) > 1e-6 {
		t.Fatalf("genuine %v", v.Genuine)
	}
	if v.TMR(0.31) != 1 || v.FMR(0.5) != 0 || v.FMR(3) != 1 {
		t.Fatalf("TMR %v FMR %v %v", v.TMR(0.31), v.FMR(0.5), v.FMR(3))
	}
	if d := v.DistanceAtFMR(0.5); v.FMR(d) > 0.5 {
		t.Fatalf("distance %v has FMR %v > 0.5", d, v.FMR(d))
	}
}
