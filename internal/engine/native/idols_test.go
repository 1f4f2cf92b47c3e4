//go:build cgo

package native

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"path/filepath"
	"sort"
	"testing"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/testenv"
)

// goFaceExpected are the identifications go-face's own test expects
// (face_test.go upstream), listed in the shared folder's README.
var goFaceExpected = []struct{ file, name string }{
	{"elkie.jpg", "Elkie"},
	{"chaeyoung.jpg", "Chaeyoung"},
	{"chaeyoung2.jpg", "Chaeyoung"},
	{"sejeong.jpg", "Sejeong"},
	{"jimin.jpg", "Jimin"},
	{"jimin2.jpg", "Jimin"},
	{"jimin4.jpg", "Jimin"},
	{"meiqi.jpg", "Mei Qi"},
	{"chaeyeon.jpg", "Chaeyeon"},
	{"chaeyeon3.jpg", "Chaeyeon"},
	{"tzuyu2.jpg", "Tzuyu"},
	{"nayoung.jpg", "Nayoung"},
	{"luda2.jpg", "Luda"},
	{"joy.jpg", "Joy"},
}

type idolSample struct {
	d   face.Descriptor
	cat string
}

// officialSamples reads idols.json: descriptors computed with dlib.net's
// official ResNet, base64 of 128 little-endian float32.
func officialSamples(t *testing.T) []idolSample {
	t.Helper()
	var data struct {
		Idols []struct{ ID, Name string }
		Faces []struct {
			Descriptor string `json:"descriptor"`
			IdolID     string `json:"idol_id"`
		}
	}
	if err := json.Unmarshal(readFile(t, testenv.SharedPath(t, "testdata", "go-face", "idols.json")), &data); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, i := range data.Idols {
		names[i.ID] = i.Name
	}
	out := make([]idolSample, 0, len(data.Faces))
	for _, f := range data.Faces {
		b, err := base64.StdEncoding.DecodeString(f.Descriptor)
		if err != nil || len(b) != 4*face.Dim {
			t.Fatalf("bad descriptor for %s: %v", f.IdolID, err)
		}
		var d face.Descriptor
		for i := range d {
			d[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		out = append(out, idolSample{d, names[f.IdolID]})
	}
	return out
}

// classify is go-face's rule (classify.cc): take the 10 nearest samples by
// squared euclidean distance; the category with most of them wins, ties
// going to the category whose nearest sample is closer.
func classify(samples []idolSample, q face.Descriptor) string {
	type hit struct {
		cat  string
		dist float64
	}
	hs := make([]hit, len(samples))
	for i, s := range samples {
		hs[i] = hit{s.cat, s.d.SquaredDistance(q)}
	}
	sort.SliceStable(hs, func(i, j int) bool { return hs[i].dist < hs[j].dist })
	votes := map[string]int{}
	first := map[string]float64{}
	for _, h := range hs[:min(10, len(hs))] {
		if votes[h.cat] == 0 {
			first[h.cat] = h.dist
		}
		votes[h.cat]++
	}
	best := ""
	for c, v := range votes {
		if best == "" || v > votes[best] || (v == votes[best] && first[c] < first[best]) {
			best = c
		}
	}
	return best
}

// TestOfficialModelEquivalence checks that descriptors from the provisioned
// model (on this machine usually the offline conversion) mean the same as
// dlib.net's official ones: each photo is classified against descriptors
// computed with the official model.
func TestOfficialModelEquivalence(t *testing.T) {
	e := testEngine(t)
	samples := officialSamples(t)
	dir := testenv.GoFaceImages(t)
	for _, tc := range goFaceExpected {
		t.Run(tc.file, func(t *testing.T) {
			r, err := e.Embed(context.Background(), readFile(t, filepath.Join(dir, tc.file)))
			if err != nil {
				t.Fatal(err)
			}
			f, ok := largest(r.Faces)
			if !ok {
				t.Fatalf("no face found")
			}
			if got := classify(samples, f.Descriptor); got != tc.name {
				t.Errorf("classified as %q, want %q", got, tc.name)
			}
		})
	}
}
