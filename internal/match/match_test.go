package match

import (
	"strings"
	"testing"
)

func TestDefaultThresholdsParseAndAreSourced(t *testing.T) {
	th := Default()
	if th.Source.Dataset == "" || th.OpenSet == nil {
		t.Error("thresholds.json does not say where its values come from")
	}
	if th.Assess(0, 100, 50).Strength != Strong || th.Assess(1.2, 100, 50).Strength != Unlikely {
		t.Fatalf("the ends of the scale are misread: %+v", th)
	}
}

// A distance means less in a larger archive: the same face is a weaker
// lead among more faces, never a stronger one.
func TestWordsWeakenAsTheArchiveGrows(t *testing.T) {
	th := Default()
	rank := map[Strength]int{Strong: 3, Possible: 2, Weak: 1, Unlikely: 0}
	for d := 0.2; d < 0.9; d += 0.01 {
		prev := Strong
		prevF := 0.0
		for _, faces := range []int{10, 100, 1000, 10000, 100000, 1000000} {
			a := th.Assess(d, faces, faces/7)
			if rank[a.Strength] > rank[prev] || a.FPIR < prevF {
				t.Fatalf("d=%.2f: %d faces is %s (FPIR %g), stronger than with fewer (%s, %g)", d, faces, a.Strength, a.FPIR, prev, prevF)
			}
			prev, prevF = a.Strength, a.FPIR
		}
	}
	for _, faces := range []int{100, 70000} {
		prev := 0.0
		for d := 0.0; d < 1.2; d += 0.005 {
			f := th.Model.FPIR(d, faces)
			if f < prev || f < 0 || f > 1 {
				t.Fatalf("FPIR(%.3f, %d) = %g after %g: not a rising rate", d, faces, f, prev)
			}
			prev = f
		}
	}
}

// Each word's distance is where the model says its rate is reached.
func TestDistanceInvertsFPIR(t *testing.T) {
	th := Default()
	for _, faces := range []int{500, 70000} {
		for _, rate := range []float64{th.Rates.Strong, th.Rates.Possible, th.Rates.Weak} {
			d := th.Model.Distance(rate, faces)
			if f := th.Model.FPIR(d, faces); f > rate*1.0001 || th.Model.FPIR(d+0.005, faces) <= rate {
				t.Errorf("Distance(%g, %d) = %.4f, where FPIR is %g", rate, faces, d, f)
			}
		}
	}
}

func TestMeaning(t *testing.T) {
	th := Default()
	a := th.Assess(th.Model.Distance(th.Rates.Possible, 71484)-0.001, 71484, 10212)
	if a.Strength != Possible || a.Meaning != "In an archive of 10,212 people, fewer than 1 search in 100 without this person shows a face this close." {
		t.Fatalf("%s: %q", a.Strength, a.Meaning)
	}
	if u := th.Assess(1, 71484, 10212); !strings.Contains(u.Meaning, "more than 1 search in 10") {
		t.Fatalf("unlikely: %q", u.Meaning)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %s", n, got)
		}
	}
}

func TestParseRefusesDisorder(t *testing.T) {
	for _, bad := range []string{
		`{"rates":{"strong":0.01,"possible":0.001,"weak":0.1},"model":{"points":[[0.5,0.001],[0.6,0.01]]}}`,
		`{"rates":{"strong":0.001,"possible":0.01,"weak":0.1},"model":{"points":[[0.6,0.001],[0.5,0.01]]}}`,
		`{"rates":{"strong":0.001,"possible":0.01,"weak":0.1},"model":{"points":[[0.5,0.001]]}}`,
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}
