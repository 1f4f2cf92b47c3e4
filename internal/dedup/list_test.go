package dedup_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
	"github.com/facetriage/facetriage/internal/dedup"
	"github.com/facetriage/facetriage/internal/face"
)

// TestCopiesListedInEitherOrderShowThePhotographOnce is the race CI once
// met: a numbered copy and an unnumbered copy of one photograph join their
// original one after the other, then are listed in the other order. The
// numbered individual must list the photograph once.
func TestCopiesListedInEitherOrderShowThePhotographOnce(t *testing.T) {
	srv := bustest.Start(t, bus.Topology{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cat, err := archive.Open(ctx, srv.JS)
	if err != nil {
		t.Fatal(err)
	}
	l := dedup.NewLinker(cat, nil)
	go l.Run(ctx)

	var d face.Descriptor
	for i := range d {
		d[i] = float32(i%7) / 20
	}
	faces := []face.Descriptor{d}
	photo := func(sha, number string) archive.Photo {
		t.Helper()
		p, err := cat.Update(ctx, sha, func(p *archive.Photo) error {
			p.Source, p.Faces, p.PHash, p.Status = "caesar", 1, "8000000000000001", archive.StatusEmbedded
			if number != "" {
				p.Name.Branch, p.Name.Number = "300", number
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	resolve := func(p archive.Photo) dedup.Decision {
		t.Helper()
		var dec dedup.Decision
		for try := 0; ; try++ { // until Run has started
			if dec, err = l.Resolve(ctx, p, faces); !errors.Is(err, dedup.ErrNotRunning) || try == 200 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		return dec
	}
	settle := func(p archive.Photo, dec dedup.Decision) {
		t.Helper()
		recs := []archive.FaceRecord{{Photo: p.SHA256, Index: 0, Individual: dec.Individuals[0], Descriptor: d}}
		if err := cat.PutFaces(ctx, recs); err != nil {
			t.Fatal(err)
		}
		if err := l.Settle(ctx, p.SHA256, dec); err != nil {
			t.Fatal(err)
		}
	}

	orig := photo("aa", "")
	dec := resolve(orig)
	settle(orig, dec)
	if err := l.List(ctx, dec.Individuals[0], orig.SHA256, dec.Original); err != nil {
		t.Fatal(err)
	}

	numbered, unnumbered := photo("bb", "777"), photo("cc", "")
	decN := resolve(numbered)
	decU := resolve(unnumbered)
	num := numbered.Individual(0)
	if decN.Original != "aa" || decU.Original != "aa" || decN.Individuals[0] != num || decU.Individuals[0] != num {
		t.Fatalf("decisions %+v and %+v: want both copies of aa under %s", decN, decU, num)
	}
	settle(numbered, decN)
	settle(unnumbered, decU)
	for _, x := range []struct {
		p   archive.Photo
		dec dedup.Decision
	}{{unnumbered, decU}, {numbered, decN}} { // the later copy first
		if err := l.List(ctx, num, x.p.SHA256, x.dec.Original); err != nil {
			t.Fatal(err)
		}
	}
	ind, err := cat.Individual(ctx, num)
	if err != nil {
		t.Fatal(err)
	}
	if len(ind.Photos) != 1 {
		t.Errorf("%s lists %v, want the photograph once", num, ind.Photos)
	}
}
