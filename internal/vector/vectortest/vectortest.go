// Package vectortest is the one test suite every vector.Store passes. Call
// Run from each implementation's tests with a Harness that opens it.
package vectortest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/vector"
)

// Harness opens the store under test.
type Harness struct {
	// Open returns a new, empty store. The suite closes it.
	Open func(t *testing.T) vector.Store
	// Reopen closes s and opens the same data again; nil when the store does
	// not persist.
	Reopen func(t *testing.T, s vector.Store) vector.Store
}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"Empty", testEmpty},
		{"RanksIndividualsExactly", testRanks},
		{"GroupsFacesOfOneIndividual", testGroups},
		{"CountsIndividuals", testCountIndividuals},
		{"UpsertIsIdempotent", testIdempotent},
		{"Filters", testFilters},
		{"LimitAndBadQueries", testLimit},
		{"ConcurrentUpsertAndSearch", testConcurrent},
		{"PersistsAcrossRestarts", testPersists},
		{"SampleIsTheSmallestIDs", testSample},
		{"SampleOfAnEmptyStore", testSampleEmpty},
		{"SampleBadSize", testSampleBad},
		{"SampleOfMoreThanAPage", testSampleLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

var ctx = context.Background()

func open(t *testing.T, h Harness) vector.Store {
	t.Helper()
	s := h.Open(t)
	t.Cleanup(func() { s.Close() })
	return s
}

// randomDescriptor is a point near centre, like faces of one person.
func randomDescriptor(r *rand.Rand, centre *face.Descriptor, spread float64) face.Descriptor {
	var d face.Descriptor
	for i := range d {
		c := 0.0
		if centre != nil {
			c = float64(centre[i])
		}
		d[i] = float32(c + r.NormFloat64()*spread)
	}
	return d
}

var (
	sources  = []string{"caesar", "dossier"}
	branches = []string{"215", "227", "248"}
	day0     = time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)
)

// corpus makes n points of individuals: numbered ones with several faces,
// and single faces, with sources, branches and dates (some missing).
func corpus(seed int64, n int) []vector.Point {
	r := rand.New(rand.NewSource(seed))
	var pts []vector.Point
	for len(pts) < n {
		centre := randomDescriptor(r, nil, 0.1)
		src, br := sources[r.Intn(len(sources))], branches[r.Intn(len(branches))]
		faces := 1
		number := ""
		if r.Intn(2) == 0 {
			faces = 2 + r.Intn(4)
			number = fmt.Sprint(1000 + len(pts))
		}
		for k := 0; k < faces && len(pts) < n; k++ {
			photo := fmt.Sprintf("%064x", r.Int63())
			ind := "face:" + photo + ":0"
			if number != "" {
				ind = src + "/" + br + "/" + number
			}
			var date time.Time
			if r.Intn(5) > 0 {
				date = day0.AddDate(0, 0, r.Intn(700))
			}
			pts = append(pts, vector.Point{
				ID:     vector.PointID(photo, 0),
				Vector: randomDescriptor(r, &centre, 0.03),
				Payload: vector.Payload{Photo: photo, Individual: ind, Source: src, Branch: br,
					Number: number, Date: date, Model: "dlib-resnet-v1@test"},
			})
		}
	}
	return pts
}

// bruteForce is the reference answer.
func bruteForce(pts []vector.Point, q vector.Query) []vector.Hit {
	best := map[string]vector.Hit{}
	for _, p := range pts {
		if !q.Filter.Match(p.Payload) {
			continue
		}
		d := p.Vector.Distance(q.Vector)
		if h, ok := best[p.Payload.Individual]; !ok || d < h.Distance {
			best[p.Payload.Individual] = vector.Hit{Individual: p.Payload.Individual, Distance: d, Best: p}
		}
	}
	hits := make([]vector.Hit, 0, len(best))
	for _, h := range best {
		hits = append(hits, h)
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Distance != hits[j].Distance {
			return hits[i].Distance < hits[j].Distance
		}
		return hits[i].Individual < hits[j].Individual
	})
	if len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	return hits
}

func upsert(t *testing.T, s vector.Store, pts []vector.Point) {
	t.Helper()
	for i := 0; i < len(pts); i += 100 {
		if err := s.Upsert(ctx, pts[i:min(i+100, len(pts))]); err != nil {
			t.Fatal(err)
		}
	}
}

func search(t *testing.T, s vector.Store, q vector.Query) []vector.Hit {
	t.Helper()
	hits, err := s.SearchIndividuals(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

// sameHits compares a result with the reference: the same individuals in
// the same order, the same best faces, distances within float32 rounding.
func sameHits(t *testing.T, got, want []vector.Hit) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d hits, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Individual != w.Individual || math.Abs(g.Distance-w.Distance) > 1e-4 {
			t.Fatalf("hit %d: %s at %.5f, want %s at %.5f", i, g.Individual, g.Distance, w.Individual, w.Distance)
		}
		if g.Best.ID != w.Best.ID || g.Best.Payload.Photo != w.Best.Payload.Photo {
			t.Fatalf("hit %d: best face %s, want %s", i, g.Best.ID, w.Best.ID)
		}
		if !samePayload(g.Best.Payload, w.Best.Payload) {
			t.Fatalf("hit %d: payload %+v, want %+v", i, g.Best.Payload, w.Best.Payload)
		}
		if d := g.Best.Vector.Distance(w.Best.Vector); d > 1e-4 {
			t.Fatalf("hit %d: vector differs by %g", i, d)
		}
	}
}

func samePayload(a, b vector.Payload) bool {
	return a.Photo == b.Photo && a.Face == b.Face && a.Individual == b.Individual && a.Source == b.Source &&
		a.Branch == b.Branch && a.Number == b.Number && a.Date.Equal(b.Date) && a.Model == b.Model
}

func testEmpty(t *testing.T, h Harness) {
	s := open(t, h)
	if n, err := s.Count(ctx); err != nil || n != 0 {
		t.Fatalf("count %d, %v; want 0", n, err)
	}
	if hits := search(t, s, vector.Query{Limit: 5}); len(hits) != 0 {
		t.Fatalf("%d hits in an empty store", len(hits))
	}
}

func testRanks(t *testing.T, h Harness) {
	s := open(t, h)
	pts := corpus(1, 600)
	upsert(t, s, pts)
	if n, _ := s.Count(ctx); n != len(pts) {
		t.Fatalf("count %d, want %d", n, len(pts))
	}
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 5; i++ {
		q := vector.Query{Vector: pts[r.Intn(len(pts))].Vector, Limit: 20}
		q.Vector[0] += 0.01
		sameHits(t, search(t, s, q), bruteForce(pts, q))
	}
}

func testGroups(t *testing.T, h Harness) {
	s := open(t, h)
	var q face.Descriptor
	mk := func(photo, ind string, d float32) vector.Point {
		v := q
		v[3] = d
		return vector.Point{ID: vector.PointID(photo, 0), Vector: v, Payload: vector.Payload{Photo: photo, Individual: ind}}
	}
	pts := []vector.Point{
		mk("p1", "caesar/215/1001", 0.5), mk("p2", "caesar/215/1001", 0.2), mk("p3", "caesar/215/1001", 0.9),
		mk("p4", "face:p4:0", 0.3), mk("p5", "face:p5:0", 0.1),
	}
	upsert(t, s, pts)
	hits := search(t, s, vector.Query{Vector: q, Limit: 10})
	want := []struct {
		ind   string
		photo string
	}{{"face:p5:0", "p5"}, {"caesar/215/1001", "p2"}, {"face:p4:0", "p4"}}
	if len(hits) != len(want) {
		t.Fatalf("%d hits, want %d individuals", len(hits), len(want))
	}
	for i, w := range want {
		if hits[i].Individual != w.ind || hits[i].Best.Payload.Photo != w.photo {
			t.Errorf("hit %d: %s via %s, want %s via %s", i, hits[i].Individual, hits[i].Best.Payload.Photo, w.ind, w.photo)
		}
	}
}

func testCountIndividuals(t *testing.T, h Harness) {
	s := open(t, h)
	if n, err := s.CountIndividuals(ctx); err != nil || n != 0 {
		t.Fatalf("an empty store counts %d individuals (%v)", n, err)
	}
	pts := corpus(5, 300)
	upsert(t, s, pts)
	want := map[string]bool{}
	for _, p := range pts {
		want[p.Payload.Individual] = true
	}
	if n, err := s.CountIndividuals(ctx); err != nil || n != len(want) {
		t.Fatalf("%d individuals (%v), want %d", n, err, len(want))
	}
}

func testIdempotent(t *testing.T, h Harness) {
	s := open(t, h)
	pts := corpus(3, 200)
	upsert(t, s, pts)
	upsert(t, s, pts)
	// The same ids again with a new payload replace the points.
	moved := append([]vector.Point(nil), pts...)
	for i := range moved {
		moved[i].Payload.Branch = "999"
	}
	upsert(t, s, moved)
	if n, _ := s.Count(ctx); n != len(pts) {
		t.Fatalf("count %d after upserting the same ids three times, want %d", n, len(pts))
	}
	q := vector.Query{Vector: pts[7].Vector, Limit: 10, Filter: vector.Filter{Branches: []string{"999"}}}
	sameHits(t, search(t, s, q), bruteForce(moved, q))
}

func testFilters(t *testing.T, h Harness) {
	s := open(t, h)
	pts := corpus(4, 500)
	upsert(t, s, pts)
	exclude := []string{pts[0].Payload.Individual, pts[10].Payload.Individual}
	filters := map[string]vector.Filter{
		"source":          {Sources: []string{"dossier"}},
		"branches":        {Branches: []string{"215", "248"}},
		"from":            {From: day0.AddDate(0, 0, 300)},
		"to":              {To: day0.AddDate(0, 0, 100)},
		"range":           {From: day0.AddDate(0, 0, 100), To: day0.AddDate(0, 0, 200)},
		"exclude":         {ExcludeIndividuals: exclude},
		"all at once":     {Sources: []string{"caesar"}, Branches: []string{"227"}, From: day0, To: day0.AddDate(1, 0, 0), ExcludeIndividuals: exclude},
		"matches nothing": {Sources: []string{"nowhere"}},
	}
	for name, f := range filters {
		t.Run(name, func(t *testing.T) {
			q := vector.Query{Vector: pts[0].Vector, Limit: 15, Filter: f}
			got := search(t, s, q)
			sameHits(t, got, bruteForce(pts, q))
			for _, hit := range got {
				if !f.Match(hit.Best.Payload) {
					t.Fatalf("hit %s does not pass the filter", hit.Individual)
				}
			}
		})
	}
}

func testLimit(t *testing.T, h Harness) {
	s := open(t, h)
	upsert(t, s, corpus(5, 100))
	if hits := search(t, s, vector.Query{Limit: 3}); len(hits) != 3 {
		t.Errorf("%d hits, want 3", len(hits))
	}
	for _, q := range []vector.Query{{Limit: 0}, {Limit: -1}, {Limit: 5, Filter: vector.Filter{From: day0, To: day0.AddDate(0, 0, -1)}}} {
		if _, err := s.SearchIndividuals(ctx, q); !errors.Is(err, vector.ErrBadQuery) {
			t.Errorf("query %+v: got %v, want ErrBadQuery", q, err)
		}
	}
}

func testConcurrent(t *testing.T, h Harness) {
	s := open(t, h)
	pts := corpus(6, 800)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := 0; w < 4; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := w * 200; i < (w+1)*200; i += 20 {
				if err := s.Upsert(ctx, pts[i:i+20]); err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if _, err := s.SearchIndividuals(ctx, vector.Query{Vector: pts[i].Vector, Limit: 5}); err != nil {
					errs <- err
					return
				}
				sample, err := s.Sample(ctx, 50)
				if err != nil {
					errs <- err
					return
				}
				for k := 1; k < len(sample); k++ {
					if sample[k].ID <= sample[k-1].ID {
						errs <- fmt.Errorf("sample during upserts: %s after %s", sample[k].ID, sample[k-1].ID)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n, _ := s.Count(ctx); n != len(pts) {
		t.Fatalf("count %d, want %d", n, len(pts))
	}
	q := vector.Query{Vector: pts[3].Vector, Limit: 10}
	sameHits(t, search(t, s, q), bruteForce(pts, q))
	sameSample(t, "after concurrent upserts", sample(t, s, 50), smallestIDs(pts, 50))
}

func testPersists(t *testing.T, h Harness) {
	if h.Reopen == nil {
		t.Skip("this store does not persist")
	}
	s := h.Open(t)
	pts := corpus(7, 300)
	upsert(t, s, pts[:200])
	upsert(t, s, pts[150:]) // overlapping ids: still 300 points
	q := vector.Query{Vector: pts[42].Vector, Limit: 12}
	before := search(t, s, q)
	sameSample(t, "before reopening", sample(t, s, 20), smallestIDs(pts, 20))
	s = h.Reopen(t, s)
	defer s.Close()
	if n, _ := s.Count(ctx); n != len(pts) {
		t.Fatalf("count %d after reopening, want %d", n, len(pts))
	}
	sameHits(t, search(t, s, q), before)
	sameHits(t, before, bruteForce(pts, q))
	sameSample(t, "after reopening", sample(t, s, 20), smallestIDs(pts, 20))
}

func sample(t *testing.T, s vector.Store, n int) []vector.Point {
	t.Helper()
	pts, err := s.Sample(ctx, n)
	if err != nil {
		t.Fatalf("Sample(%d): %v", n, err)
	}
	return pts
}

// smallestIDs is the reference sample: the n points with the smallest IDs,
// in increasing order of ID, of the points stored (a later point replaces
// an earlier one with its ID, as Upsert does).
func smallestIDs(pts []vector.Point, n int) []vector.Point {
	byID := map[string]vector.Point{}
	for _, p := range pts {
		byID[p.ID] = p
	}
	ref := make([]vector.Point, 0, len(byID))
	for _, p := range byID {
		ref = append(ref, p)
	}
	sort.Slice(ref, func(i, j int) bool { return ref[i].ID < ref[j].ID })
	return ref[:min(n, len(ref))]
}

// sameSample compares a sample with the reference: the same points in the
// same order, with the same vectors and payloads.
func sameSample(t *testing.T, what string, got, want []vector.Point) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d points, want %d", what, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ID != w.ID {
			t.Fatalf("%s: point %d is %s, want %s", what, i, g.ID, w.ID)
		}
		if g.Vector != w.Vector {
			t.Fatalf("%s: point %d (%s): the vector differs from the one upserted", what, i, g.ID)
		}
		if !samePayload(g.Payload, w.Payload) {
			t.Fatalf("%s: point %d (%s): payload %+v, want %+v", what, i, g.ID, g.Payload, w.Payload)
		}
	}
}

// testSample: the smallest IDs in order, with their vectors and payloads;
// all points when there are fewer; the new smallest set after upserts; a
// replaced point's new payload.
func testSample(t *testing.T, h Harness) {
	s := open(t, h)
	pts := corpus(8, 50)
	upsert(t, s, pts)
	ten := smallestIDs(pts, 10)
	sameSample(t, "Sample(10) of 50", sample(t, s, 10), ten)
	sameSample(t, "Sample(3) after Sample(10)", sample(t, s, 3), ten[:3])
	sameSample(t, "Sample(1000) of 50", sample(t, s, 1000), smallestIDs(pts, 50))
	sameSample(t, "Sample(50) of 50", sample(t, s, 50), smallestIDs(pts, 50))
	sameSample(t, "Sample(49) of 50", sample(t, s, 49), smallestIDs(pts, 49))

	// New points: some of them are among the 10 smallest IDs, some not.
	more := corpus(9, 50)
	all := append(append([]vector.Point(nil), pts...), more...)
	newTen := smallestIDs(all, 10)
	isNew := map[string]bool{}
	for _, p := range more {
		isNew[p.ID] = true
	}
	entered := 0
	for _, p := range newTen {
		if isNew[p.ID] {
			entered++
		}
	}
	if entered == 0 || entered == 10 {
		t.Fatalf("test corpus: %d of the new points are among the 10 smallest IDs; want some but not all", entered)
	}
	upsert(t, s, more)
	sameSample(t, "Sample(10) after upserting 50 more", sample(t, s, 10), newTen)
	sameSample(t, "Sample(20) of 100", sample(t, s, 20), smallestIDs(all, 20))

	// A sampled point replaced (same ID, another payload and vector).
	changed := newTen[4]
	changed.Payload.Branch = "999"
	changed.Vector[0] += 1
	upsert(t, s, []vector.Point{changed})
	all = append(all, changed)
	sameSample(t, "Sample(10) after replacing a sampled point", sample(t, s, 10), smallestIDs(all, 10))
	if n, _ := s.Count(ctx); n != 100 {
		t.Fatalf("count %d, want 100", n)
	}
}

func testSampleEmpty(t *testing.T, h Harness) {
	s := open(t, h)
	pts, err := s.Sample(ctx, 10)
	if err != nil || len(pts) != 0 {
		t.Fatalf("Sample(10) of an empty store: %d points, %v; want none and no error", len(pts), err)
	}
}

func testSampleBad(t *testing.T, h Harness) {
	s := open(t, h)
	upsert(t, s, corpus(10, 5))
	for _, n := range []int{0, -1} {
		pts, err := s.Sample(ctx, n)
		if !errors.Is(err, vector.ErrBadQuery) {
			t.Errorf("Sample(%d): %d points, %v; want ErrBadQuery", n, len(pts), err)
		}
	}
}

// testSampleLarge asks for more points than one scroll page holds (a
// store that pages must follow its pages) out of more than that.
func testSampleLarge(t *testing.T, h Harness) {
	s := open(t, h)
	pts := corpus(11, 1300)
	upsert(t, s, pts)
	sameSample(t, "Sample(1100) of 1300", sample(t, s, 1100), smallestIDs(pts, 1100))
	sameSample(t, "Sample(5000) of 1300", sample(t, s, 5000), smallestIDs(pts, 1300))
}
