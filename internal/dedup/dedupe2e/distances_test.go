package dedupe2e

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/facetriage/facetriage/internal/dedup"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/engine/native"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/testenv"
)

// TestMeasureDistances measures what dedup's thresholds rest on
// (thresholds.go): how far a copy's hash and faces move from its
// original's, and how near different photographs come. It runs only when
// FACETRIAGE_DEDUP_DISTANCES is set (about 15 minutes on 2 cores):
//
//	FACETRIAGE_DEDUP_DISTANCES=1 go test ./internal/dedup/dedupe2e -run MeasureDistances -v -timeout 60m
func TestMeasureDistances(t *testing.T) {
	if os.Getenv("FACETRIAGE_DEDUP_DISTANCES") == "" {
		t.Skip("a measurement: set FACETRIAGE_DEDUP_DISTANCES=1")
	}
	slice, _ := lfwSlice(t, 500, 7)
	eng, err := native.Open(testenv.Config(t), func(o *engine.Options) { o.Crops = true })
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	hasher := dedup.PhotoHasher{Decode: native.DecodeGray}
	type seen struct {
		hash  dedup.Hash
		faces []face.Descriptor
	}
	look := func(b []byte) seen {
		h, err := hasher.PhotoHash(b)
		if err != nil {
			t.Fatal(err)
		}
		res, err := eng.Embed(context.Background(), b)
		if err != nil {
			t.Fatal(err)
		}
		s := seen{hash: h}
		for _, f := range res.Faces {
			s.faces = append(s.faces, f.Descriptor)
		}
		return s
	}
	orig := make([]seen, len(slice))
	hashBits, faceDist := map[string][]float64{}, map[string][]float64{}
	for i, ph := range slice {
		b, err := os.ReadFile(ph.path)
		if err != nil {
			t.Fatal(err)
		}
		orig[i] = look(b)
		if i%3 != 0 {
			continue
		}
		for _, kind := range copyKinds {
			c := look(makeCopy(t, b, kind))
			hashBits[kind] = append(hashBits[kind], float64(c.hash.Distance(orig[i].hash)))
			for _, f := range c.faces { // each copy face to its nearest original face
				faceDist[kind] = append(faceDist[kind], nearest(f, orig[i].faces))
			}
		}
	}
	var sameBits, otherBits, sameFace, otherFace []float64
	for i := range orig {
		for j := i + 1; j < len(orig); j++ {
			bitsOff := float64(orig[i].hash.Distance(orig[j].hash))
			if slice[i].person == slice[j].person {
				sameBits = append(sameBits, bitsOff)
			} else {
				otherBits = append(otherBits, bitsOff)
			}
			for _, f := range orig[i].faces {
				d := nearest(f, orig[j].faces)
				if slice[i].person == slice[j].person {
					sameFace = append(sameFace, d)
				} else {
					otherFace = append(otherFace, d)
					if d <= dedup.FaceNearHashed {
						t.Logf("MEASURE different people within %v: %s and %s, %.3f", dedup.FaceNearHashed, slice[i].path, slice[j].path, d)
					}
				}
			}
		}
	}
	for _, kind := range copyKinds {
		t.Logf("MEASURE %s copies: hash bits %s; face distance %s", kind, quantiles(hashBits[kind]), quantiles(faceDist[kind]))
	}
	t.Logf("MEASURE different photographs of one person: hash bits %s; face distance %s", quantiles(sameBits), quantiles(sameFace))
	t.Logf("MEASURE photographs of different people: hash bits %s; face distance %s", quantiles(otherBits), quantiles(otherFace))
	for _, lim := range []float64{dedup.HashNear} {
		t.Logf("MEASURE hash within %v bits: %.4f %% of one person's pairs, %.4f %% of different people's", lim, 100*share(sameBits, lim), 100*share(otherBits, lim))
	}
	t.Logf("MEASURE faces within %v: %.3f %% of one person's pairs; within %v: %.4f %% of different people's",
		dedup.FaceNear, 100*share(sameFace, dedup.FaceNear), dedup.FaceNearHashed, 100*share(otherFace, dedup.FaceNearHashed))
}

func nearest(f face.Descriptor, fs []face.Descriptor) float64 {
	d := math.Inf(1)
	for _, g := range fs {
		d = math.Min(d, f.Distance(g))
	}
	return d
}

// quantiles summarises a sample: n, minimum, 1st, 50th, 90th, 99th
// percentiles and maximum.
func quantiles(xs []float64) string {
	if len(xs) == 0 {
		return "none"
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	q := func(p float64) float64 { return s[int(p*float64(len(s)-1))] }
	return fmt.Sprintf("n %d, min %.3g, p1 %.3g, p50 %.3g, p90 %.3g, p99 %.3g, max %.3g", len(s), s[0], q(.01), q(.5), q(.9), q(.99), s[len(s)-1])
}

func share(xs []float64, lim float64) float64 {
	n := 0
	for _, x := range xs {
		if x <= lim {
			n++
		}
	}
	return float64(n) / float64(max(1, len(xs)))
}
