package workers_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/pipelinetest"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

func newRig(t *testing.T) *pipelinetest.Rig { return pipelinetest.Start(t, nil) }

func write(t *testing.T, path string, data []byte) { pipelinetest.Write(t, path, data) }

func TestPipelineWithTheFakeEngine(t *testing.T) {
	r := newRig(t)
	dir := t.TempDir()
	// Ten people, three photos each; person 5's photos carry a detainee
	// number, so they form one individual.
	for p := 1; p <= 10; p++ {
		for v := 0; v < 3; v++ {
			name := fmt.Sprintf("p%02d_v%d.png", p, v)
			if p == 5 {
				name = fmt.Sprintf("215_4321_Ahmad_2013-05-1%d.png", v)
			}
			write(t, filepath.Join(dir, name), facetest.Photo(facetest.Spec{Person: uint8(p), Variant: uint8(v)}))
		}
	}
	write(t, filepath.Join(dir, "group.png"), facetest.Photo(facetest.Spec{Person: 100, Faces: 3}))
	write(t, filepath.Join(dir, "empty-room.png"), facetest.Photo(facetest.Spec{Person: 200, Kind: facetest.NoFace}))
	write(t, filepath.Join(dir, "flaky.png"), facetest.Photo(facetest.Spec{Person: 201, Kind: facetest.Flaky}))
	write(t, filepath.Join(dir, "notes.jpg"), []byte("not a photo"))
	write(t, filepath.Join(dir, "copy", "p01_v0.png"), facetest.Photo(facetest.Spec{Person: 1, Variant: 0}))

	sum := r.Ingest(t, ingest.Options{Paths: []string{dir}, Source: "caesar"})
	t.Logf("first ingest: %+v", sum)
	if sum.Seen != 35 || sum.Indexed != 31 || sum.Faces != 33 || sum.NoFace != 1 || sum.Failed != 2 {
		t.Fatalf("summary %+v; want 35 seen, 31 indexed (the copy counts once), 33 faces, 1 without a face, 2 failed", sum)
	}
	ctx := context.Background()
	if n, _ := r.Store.Count(ctx); n != 33 {
		t.Fatalf("index holds %d faces, want 33", n)
	}
	if n, _ := r.Catalog.CountFaces(ctx); n != 33 {
		t.Fatalf("%d face records, want 33", n)
	}
	copyRec, err := r.Catalog.Photo(ctx, sha(facetest.Photo(facetest.Spec{Person: 1})))
	if err != nil || len(copyRec.Paths) != 2 || copyRec.Status != archive.StatusIndexed {
		t.Fatalf("the photo found twice: %+v, %v; want two paths, indexed", copyRec, err)
	}
	empty, err := r.Catalog.Photo(ctx, sha(facetest.Photo(facetest.Spec{Person: 200, Kind: facetest.NoFace})))
	for _, p := range []archive.Photo{copyRec, empty} {
		if err != nil || p.FaceSearch == nil || p.FaceSearch.Level != "fake" || p.FaceSearch.Views != 1 {
			t.Errorf("photo %s (%s): face search %+v, %v; want the engine's cost recorded", p.SHA256, p.Status, p.FaceSearch, err)
		}
	}
	fails, _ := r.Catalog.Failures(ctx)
	kinds := map[string]string{}
	for _, f := range fails {
		kinds[filepath.Base(f.Path)+"/"+f.Stage] = f.Kind + "/" + f.ErrorKind
	}
	for k, want := range map[string]string{"notes.jpg/decode": "permanent/not_image", "empty-room.png/faces": "permanent/no_face"} {
		if kinds[k] != want {
			t.Errorf("failure %s: %q, want %q (all: %v)", k, kinds[k], want, kinds)
		}
	}
	var flaky bool
	for _, f := range fails {
		if f.Stage == bus.StageFaces && f.Kind == "transient" && f.Deliveries == bus.MaxDeliver {
			flaky = true
		}
	}
	if !flaky {
		t.Errorf("the flaky photo was not recorded after %d deliveries: %v", bus.MaxDeliver, kinds)
	}

	// Search ranks individuals: the photo itself, then the same person's
	// other photos; person 5 is one individual of three photos.
	s := &search.Searcher{Engine: facetest.Engine{}, Store: r.Store, Catalogue: r.Catalog}
	res, err := s.Search(ctx, search.Request{Photo: facetest.Photo(facetest.Spec{Person: 3, Variant: 1}), Face: -1, Top: 5})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range res.Candidates[:3] {
		got[filepath.Base(c.Path)] = c.Rank
	}
	if got["p03_v1.png"] != 1 || got["p03_v0.png"] < 2 || got["p03_v2.png"] < 2 {
		t.Errorf("ranks %v; want the photo itself first, then the person's two other photos", got)
	}
	res, _ = s.Search(ctx, search.Request{Photo: facetest.Photo(facetest.Spec{Person: 5, Variant: 9}), Face: -1, Top: 3})
	if c := res.Candidates[0]; c.Individual != "caesar/215/4321" || c.Photos != 3 || c.Number != "4321" {
		t.Errorf("person 5: %+v, want individual caesar/215/4321 with 3 photos", c)
	}
	if res.Candidates[1].Individual == "caesar/215/4321" {
		t.Error("an individual appears twice")
	}
	res, _ = s.Search(ctx, search.Request{Photo: facetest.Photo(facetest.Spec{Person: 5}), Face: -1, Top: 3,
		Filter: vector.Filter{From: time.Date(2013, 5, 11, 0, 0, 0, 0, time.UTC)}})
	for _, c := range res.Candidates {
		if c.Individual != "caesar/215/4321" {
			t.Errorf("date filter let through %s (no date)", c.Individual)
		}
	}

	// Again: nothing new.
	again := r.Ingest(t, ingest.Options{Paths: []string{dir}, Source: "caesar"})
	if again.Published != 0 || again.Indexed != 0 || again.Skipped != 35 {
		t.Errorf("second ingest: %+v; want all 35 skipped, nothing published", again)
	}
	if n, _ := r.Store.Count(ctx); n != 33 {
		t.Errorf("index holds %d faces after ingesting again, want 33", n)
	}
}

// Interrupting ingest and running it again resumes: everything ends up
// indexed once.
func TestInterruptedIngestResumes(t *testing.T) {
	r := newRig(t)
	dir := t.TempDir()
	for p := 1; p <= 60; p++ {
		write(t, filepath.Join(dir, fmt.Sprintf("p%03d.png", p)), facetest.Photo(facetest.Spec{Person: uint8(p)}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	var done atomic.Int32
	if err := r.Catalog.Watch(ctx, func(p archive.Photo) {
		if p.Status.Done() && done.Add(1) == 15 {
			cancel() // Ctrl-C, a quarter of the way through
		}
	}); err != nil {
		t.Fatal(err)
	}
	in := &ingest.Ingester{Publisher: bus.Publisher{JS: r.Srv.JS}, Catalogue: r.Catalog}
	first, err := in.Run(ctx, ingest.Options{Paths: []string{dir}, Window: 8})
	if err == nil {
		t.Fatalf("the interrupted ingest reported no error: %+v", first)
	}
	t.Logf("interrupted: %s (%v)", first, err)
	second := r.Ingest(t, ingest.Options{Paths: []string{dir}})
	t.Logf("resumed: %s", second)
	if second.Seen != 60 || second.Skipped < 15 || second.Skipped+second.Indexed < 60 {
		t.Errorf("resumed run: %+v; want the rest indexed now", second)
	}
	bctx := context.Background()
	n, _ := r.Store.Count(bctx)
	records, _ := r.Catalog.CountFaces(bctx)
	indexed := 0
	r.Catalog.Photos(bctx, func(p archive.Photo) error {
		if p.Status == archive.StatusIndexed && p.Faces == 1 {
			indexed++
		}
		return nil
	})
	if n != 60 || records != 60 || indexed != 60 {
		t.Fatalf("%d points, %d face records, %d photos indexed with one face; want 60 each", n, records, indexed)
	}
}
