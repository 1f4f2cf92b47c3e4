package face

import (
	"encoding/json"
	"image"
	"testing"
)

// Landmarks are written with lower-case names, and read in both the new
// form and image.Point's own (face records stored before).
func TestLandmarksJSON(t *testing.T) {
	l := Landmarks{image.Pt(1, 2), image.Pt(3, 4)}
	b, err := json.Marshal(l)
	if err != nil || string(b) != `[{"x":1,"y":2},{"x":3,"y":4}]` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	for _, in := range []string{string(b), `[{"X":1,"Y":2},{"X":3,"Y":4}]`} {
		var got Landmarks
		if err := json.Unmarshal([]byte(in), &got); err != nil || len(got) != 2 || got[1] != image.Pt(3, 4) {
			t.Errorf("unmarshal %s: %v %v", in, got, err)
		}
	}
	if b, _ := json.Marshal(struct {
		L Landmarks `json:"l,omitempty"`
	}{}); string(b) != `{}` {
		t.Errorf("no landmarks: %s", b)
	}
}
