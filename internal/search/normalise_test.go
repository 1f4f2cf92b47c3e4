package search

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/search/searchtest"
	"github.com/facetriage/facetriage/internal/vector"
	"github.com/facetriage/facetriage/internal/vector/memstore"
)

func randomFace(rng *rand.Rand) face.Descriptor {
	var d face.Descriptor
	for i := range d {
		d[i] = float32(rng.NormFloat64() * 0.05) // two such faces lie about 0.8 apart
	}
	return d
}

// toward is the point at distance dist from from on the way to to.
func toward(from, to face.Descriptor, dist float64) face.Descriptor {
	t := dist / from.Distance(to)
	var d face.Descriptor
	for i := range d {
		d[i] = from[i] + float32(t)*(to[i]-from[i])
	}
	return d
}

// hubArchive is an archive of 60 people, a reference, a candidate "plain"
// 0.45 from it in an ordinary place, and a candidate "hub" 0.44 from it,
// near the archive's centre and so near everyone.
func hubArchive(t *testing.T) (*memstore.Store, face.Descriptor) {
	t.Helper()
	rng := rand.New(rand.NewSource(7))
	var pts []vector.Point
	var centre [face.Dim]float64
	add := func(name string, d face.Descriptor) {
		photo := fmt.Sprintf("%064x", len(pts)+1)
		pts = append(pts, vector.Point{ID: vector.PointID(photo, 0), Vector: d, Payload: vector.Payload{Photo: photo, Individual: name}})
	}
	for i := range 60 {
		d := randomFace(rng)
		for k := range d {
			centre[k] += float64(d[k]) / 60
		}
		add(fmt.Sprintf("person-%02d", i), d)
	}
	ref := randomFace(rng)
	var c face.Descriptor
	for k := range c {
		c[k] = float32(centre[k])
	}
	add("hub", toward(ref, c, 0.44))
	add("plain", toward(ref, randomFace(rng), 0.45))
	st := memstore.New()
	if err := st.Upsert(context.Background(), pts); err != nil {
		t.Fatal(err)
	}
	return st, ref
}

func hubThresholds(minFaces int) match.Thresholds {
	th := match.Default()
	th.Normalised = &match.Normalisation{Cohort: 50, NearestShare: 0.2, Mu: 0.8169, Sigma: 0.0892, MinFaces: minFaces,
		Model: match.Model{Exponent: 0.6, Points: [][2]float64{{-1, 1e-6}, {0.2, 1e-4}, {0.5, 0.01}, {0.8, 1}}}}
	return th
}

func TestNormalisedScoreDemotesAFaceNearEveryone(t *testing.T) {
	ctx := context.Background()
	st, ref := hubArchive(t)
	s := &Searcher{Store: st, Catalogue: searchtest.NoCatalogue{}, Thresholds: hubThresholds(50), Normalise: true}
	cs, err := s.Rank(ctx, ref, 5, vector.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) < 2 || cs[0].Individual != "plain" {
		t.Fatalf("ranked %+v: want plain first, the hub (nearer, but near everyone) after it", cs)
	}
	byName := map[string]Candidate{}
	for i, c := range cs {
		if !c.Normalised || c.Rank != i+1 {
			t.Errorf("candidate %d %s: normalised %v, rank %d", i, c.Individual, c.Normalised, c.Rank)
		}
		byName[c.Individual] = c
	}
	hub, plain := byName["hub"], byName["plain"]
	if !(hub.Distance < plain.Distance && hub.Score > plain.Score) {
		t.Errorf("hub distance %.3f score %.3f, plain distance %.3f score %.3f: want the hub nearer but scored worse", hub.Distance, hub.Score, plain.Distance, plain.Score)
	}
	size := Size{Faces: 62, Individuals: 62}
	as := s.Assess(cs, size)
	want := s.Thresholds.Normalised.Model.FPIR(plain.Score, 62)
	if math.Abs(as[0].FPIR-want) > 1e-12 || as[0].FPIR == s.Thresholds.Model.FPIR(plain.Distance, 62) {
		t.Errorf("FPIR %.6g: want the normalised model's %.6g at the score", as[0].FPIR, want)
	}
}

func TestSmallArchiveIsScoredByDistance(t *testing.T) {
	st, ref := hubArchive(t)
	s := &Searcher{Store: st, Catalogue: searchtest.NoCatalogue{}, Thresholds: hubThresholds(1000), Normalise: true}
	cs, err := s.Rank(context.Background(), ref, 5, vector.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if cs[0].Individual != "hub" || cs[0].Normalised || cs[0].Score != cs[0].Distance {
		t.Errorf("first %+v: under min_faces the nearest face ranks first, scored by its distance", cs[0])
	}
	as := s.Assess(cs, Size{Faces: 62, Individuals: 62})
	if want := s.Thresholds.Assess(cs[0].Distance, 62, 62); as[0].Strength != want.Strength || as[0].FPIR != want.FPIR {
		t.Errorf("assessed %v %.3g, want the distance's %v %.3g", as[0].Strength, as[0].FPIR, want.Strength, want.FPIR)
	}
}

func TestNormalisationIsOffUnlessAsked(t *testing.T) {
	st, ref := hubArchive(t)
	s := &Searcher{Store: st, Catalogue: searchtest.NoCatalogue{}, Thresholds: hubThresholds(50)}
	cs, err := s.Rank(context.Background(), ref, 5, vector.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if cs[0].Individual != "hub" || cs[0].Normalised || cs[0].Score != cs[0].Distance {
		t.Errorf("first %+v: without Normalise the nearest face ranks first, scored by its distance", cs[0])
	}
}

// An archive that is mostly copies of the reference gives it no cohort:
// the distances stand rather than a score divided by almost nothing.
func TestACohortOfCopiesLeavesTheDistances(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewSource(9))
	ref := randomFace(rng)
	var pts []vector.Point
	for i := range 60 {
		photo := fmt.Sprintf("%064x", i+1)
		d, name := ref, fmt.Sprintf("copy-%02d", i)
		if i%10 == 0 {
			d, name = randomFace(rng), fmt.Sprintf("person-%02d", i)
		}
		pts = append(pts, vector.Point{ID: vector.PointID(photo, 0), Vector: d, Payload: vector.Payload{Photo: photo, Individual: name}})
	}
	st := memstore.New()
	if err := st.Upsert(ctx, pts); err != nil {
		t.Fatal(err)
	}
	s := &Searcher{Store: st, Catalogue: searchtest.NoCatalogue{}, Thresholds: hubThresholds(50), Normalise: true}
	cs, err := s.Rank(ctx, ref, 5, vector.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Normalised || c.Score != c.Distance || math.IsInf(c.Score, 0) || math.IsNaN(c.Score) {
			t.Errorf("%s: score %v normalised %v; want its distance %.3f", c.Individual, c.Score, c.Normalised, c.Distance)
		}
	}
}
