package dedup_test

import (
	"testing"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/dedup"
	"github.com/facetriage/facetriage/internal/face"
)

// person returns a face of person p (photo name), at an offset of its own:
// faces of one person lie 0.4 to 0.6 apart, of two people 1.0 or more.
func personFace(p, photo string, k int) archive.FaceRecord {
	var d face.Descriptor
	switch p {
	case "A":
		d[0] = 1
	case "B":
		d[1] = 1
	}
	d[2+k] = 0.3
	return archive.FaceRecord{Photo: photo, Descriptor: d}
}

func TestDisagreements(t *testing.T) {
	for _, tc := range []struct {
		name  string
		faces []archive.FaceRecord
		want  []string // photos flagged
	}{
		{"one face", []archive.FaceRecord{personFace("A", "a1", 0)}, nil},
		{"one person", []archive.FaceRecord{personFace("A", "a1", 0), personFace("A", "a2", 1), personFace("A", "a3", 2)}, nil},
		{"a mislabelled photo", []archive.FaceRecord{personFace("A", "a1", 0), personFace("A", "a2", 1), personFace("A", "a3", 2), personFace("B", "b1", 3)}, []string{"b1"}},
		// The nearest face would hide it: b1 lies near one of A's faces.
		{"hidden by one near face", []archive.FaceRecord{personFace("A", "a1", 0), personFace("A", "a2", 1), personFace("A", "a3", 2),
			{Photo: "b1", Descriptor: face.Descriptor{0.6, 0.55, 0.3}}}, []string{"b1"}},
		{"two faces far apart", []archive.FaceRecord{personFace("A", "a1", 0), personFace("B", "b1", 1)}, []string{"a1", "b1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			ds := dedup.Disagreements(tc.faces)
			if tc.name == "hidden by one near face" && (len(ds) != 1 || ds[0].Nearest > dedup.Disagree) {
				t.Fatalf("%+v: want b1 flagged although its nearest face is within %v", ds, dedup.Disagree)
			}
			for _, d := range ds {
				got = append(got, d.Photo)
				if d.Median <= dedup.Disagree || d.Nearest > d.Median {
					t.Errorf("%+v: median %v, nearest %v", d, d.Median, d.Nearest)
				}
			}
			if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) {
				t.Errorf("flagged %v, want %v", got, tc.want)
			}
		})
	}
}
