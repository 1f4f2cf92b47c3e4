package match

import "testing"

func TestDefaultThresholdsAreOrderedAndSourced(t *testing.T) {
	th := Default()
	if th.Of(0) != Strong || th.Of(th.Strong.Distance) != Strong || th.Of(th.Weak.Distance+0.01) != Unlikely {
		t.Fatalf("strengths out of order: %+v", th)
	}
	if th.Of(th.Possible.Distance) != Possible || th.Of(th.Weak.Distance) != Weak {
		t.Fatalf("levels misread: %+v", th)
	}
	if th.Source.Dataset == "" {
		t.Error("thresholds.json does not say where its values come from")
	}
}

func TestParseRefusesDisorder(t *testing.T) {
	if _, err := Parse([]byte(`{"strong":{"distance":0.6},"possible":{"distance":0.5},"weak":{"distance":0.7}}`)); err == nil {
		t.Fatal("accepted strong > possible")
	}
}
