package dedup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"slices"
	"testing"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/pipelinetest"
)

// fakeCopy is another file of the same fake photo: the fake engine reads
// the same faces from it, but its bytes (and so its SHA-256) differ.
func fakeCopy(t *testing.T, s facetest.Spec, mark uint8) []byte {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(facetest.Photo(s)))
	if err != nil {
		t.Fatal(err)
	}
	m := image.NewNRGBA(img.Bounds())
	for y := 0; y < 32; y++ {
		for x := 0; x < 32; x++ {
			m.Set(x, y, img.At(x, y))
		}
	}
	m.Set(31, 31, color.NRGBA{mark, mark, mark, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func shaOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestCopiesJoinTheirOriginal runs the pipeline with the fake engine: an
// unnumbered copy joins the original's individual, a numbered copy gives
// an unnumbered original its number, and a copy under a second number keeps
// it, each individual naming the other.
func TestCopiesJoinTheirOriginal(t *testing.T) {
	r := pipelinetest.StartDedup(t, nil)
	ctx := context.Background()
	dir := t.TempDir()
	// Different people only: two photos of one fake person lie 0.14 apart,
	// nearer than two real photographs of one person ever came.
	orig := map[string]facetest.Spec{
		"p1.png":                        {Person: 1},
		"p2.png":                        {Person: 2},
		"p3.png":                        {Person: 3},
		"215_4321_Ahmad_2013-05-12.png": {Person: 4},
		"group.png":                     {Person: 50, Faces: 2},
	}
	for name, s := range orig {
		pipelinetest.Write(t, filepath.Join(dir, "a", name), facetest.Photo(s))
	}
	if sum := r.Ingest(t, ingest.Options{Paths: []string{filepath.Join(dir, "a")}, Source: "caesar"}); sum.Indexed != 5 {
		t.Fatalf("first ingest: %+v", sum)
	}
	before, _ := r.Store.CountIndividuals(ctx)
	if before != 6 {
		t.Fatalf("%d individuals before the copies, want 6", before)
	}
	copies := map[string][]byte{
		"p1-copy.png":                  fakeCopy(t, orig["p1.png"], 1),
		"p1-copy2.png":                 fakeCopy(t, orig["p1.png"], 2),
		"300_777_Omar_2013-06-01.png":  fakeCopy(t, orig["p3.png"], 3), // a number for p3
		"p3-copy.png":                  fakeCopy(t, orig["p3.png"], 4),
		"216_999_Samir_2013-07-01.png": fakeCopy(t, orig["215_4321_Ahmad_2013-05-12.png"], 5),
		"group-copy.png":               fakeCopy(t, orig["group.png"], 6),
	}
	for name, b := range copies {
		pipelinetest.Write(t, filepath.Join(dir, "b", name), b)
	}
	if sum := r.Ingest(t, ingest.Options{Paths: []string{filepath.Join(dir, "b")}, Source: "caesar"}); sum.Indexed != 6 {
		t.Fatalf("second ingest: %+v", sum)
	}
	photo := func(b []byte) archive.Photo {
		t.Helper()
		p, err := r.Catalog.Photo(ctx, shaOf(b))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	faceOf := func(b []byte, k int) archive.FaceRecord {
		t.Helper()
		f, err := r.Catalog.Face(ctx, shaOf(b), k)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	p1, p3, p4, group := facetest.Photo(orig["p1.png"]), facetest.Photo(orig["p3.png"]),
		facetest.Photo(orig["215_4321_Ahmad_2013-05-12.png"]), facetest.Photo(orig["group.png"])
	for name, b := range copies {
		want := map[string][]byte{"p1-copy.png": p1, "p1-copy2.png": p1, "300_777_Omar_2013-06-01.png": p3, "p3-copy.png": p3,
			"216_999_Samir_2013-07-01.png": p4, "group-copy.png": group}[name]
		if got := photo(b).DuplicateOf; got != shaOf(want) {
			t.Errorf("%s: duplicate of %q, want its original %s", name, got, shaOf(want))
		}
		if !slices.Contains(photo(want).Copies, shaOf(b)) {
			t.Errorf("%s: the original does not list it among its copies %v", name, photo(want).Copies)
		}
	}
	// Unnumbered copies: the original's individual, listed once.
	if got := faceOf(copies["p1-copy.png"], 0).Individual; got != archive.FaceIndividual(shaOf(p1), 0) {
		t.Errorf("p1's copy is individual %s, want the original's", got)
	}
	if ind, _ := r.Catalog.Individual(ctx, archive.FaceIndividual(shaOf(p1), 0)); len(ind.Photos) != 1 {
		t.Errorf("p1's individual lists %v, want the photograph once", ind.Photos)
	}
	for k := 0; k < 2; k++ {
		if got, want := faceOf(copies["group-copy.png"], k).Individual, faceOf(group, k).Individual; got != want {
			t.Errorf("group copy face %d: %s, want %s", k, got, want)
		}
	}
	// A number arrives for p3: the original's face and its unnumbered copy move to it.
	num := "caesar/300/777"
	for name, b := range map[string][]byte{"p3": p3, "p3-copy": copies["p3-copy.png"], "numbered copy": copies["300_777_Omar_2013-06-01.png"]} {
		if got := faceOf(b, 0).Individual; got != num {
			t.Errorf("%s: individual %s, want the number %s", name, got, num)
		}
	}
	if ind, _ := r.Catalog.Individual(ctx, archive.FaceIndividual(shaOf(p3), 0)); ind.MergedInto != num {
		t.Errorf("p3's own individual: merged into %q, want %s", ind.MergedInto, num)
	}
	if ind, _ := r.Catalog.Individual(ctx, num); len(ind.Photos) != 1 {
		t.Errorf("%s lists %v, want one photograph", num, ind.Photos)
	}
	// The same photograph under two numbers: both kept, each names the other.
	a, b := "caesar/215/4321", "caesar/216/999"
	if got := faceOf(copies["216_999_Samir_2013-07-01.png"], 0).Individual; got != b {
		t.Errorf("the copy under a second number is %s, want %s", got, b)
	}
	for x, y := range map[string]string{a: b, b: a} {
		if ind, _ := r.Catalog.Individual(ctx, x); !slices.Contains(ind.AlsoFiledAs, y) || !ind.Flagged() {
			t.Errorf("%s: also filed as %v, want %s", x, ind.AlsoFiledAs, y)
		}
	}
	// Counts: p1's and the group's copies add no one; p3's number replaces
	// p3's own individual; the second number is one more.
	if n, _ := r.Store.CountIndividuals(ctx); n != before+1 {
		t.Errorf("%d individuals after the copies, want %d", n, before+1)
	}
	if n, _ := r.Store.Count(ctx); n != 13 {
		t.Errorf("the index holds %d faces, want 13 (every copy's faces stay searchable)", n)
	}

	// Ingesting the copies again changes nothing.
	r.Ingest(t, ingest.Options{Paths: []string{filepath.Join(dir, "b")}, Source: "caesar"})
	if n, _ := r.Store.CountIndividuals(ctx); n != before+1 {
		t.Errorf("after ingesting again: %d individuals, want %d", n, before+1)
	}
}
