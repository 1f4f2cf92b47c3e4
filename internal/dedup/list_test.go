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
// linkerRig is a linker over a real catalogue in an embedded JetStream,
// with helpers that play the faces and index stages for one photo.
type linkerRig struct {
	t   *testing.T
	ctx context.Context
	cat *archive.Catalogue
	l   *dedup.Linker
}

func newLinkerRig(t *testing.T) *linkerRig {
	srv := bustest.Start(t, bus.Topology{})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cat, err := archive.Open(ctx, srv.JS)
	if err != nil {
		t.Fatal(err)
	}
	l := dedup.NewLinker(cat, nil)
	go l.Run(ctx)
	return &linkerRig{t, ctx, cat, l}
}

// photo records a photo as the faces stage leaves it.
func (r *linkerRig) photo(sha, number, hash string) archive.Photo {
	r.t.Helper()
	p, err := r.cat.Update(r.ctx, sha, func(p *archive.Photo) error {
		p.Source, p.Faces, p.PHash, p.Status = "caesar", 1, hash, archive.StatusEmbedded
		if number != "" {
			p.Name.Branch, p.Name.Number = "300", number
		}
		return nil
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

func (r *linkerRig) resolve(p archive.Photo, d face.Descriptor) dedup.Decision {
	r.t.Helper()
	var dec dedup.Decision
	var err error
	for try := 0; ; try++ { // until Run has started
		if dec, err = r.l.Resolve(r.ctx, p, []face.Descriptor{d}); !errors.Is(err, dedup.ErrNotRunning) || try == 200 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	return dec
}

func (r *linkerRig) settle(p archive.Photo, d face.Descriptor, dec dedup.Decision) {
	r.t.Helper()
	recs := []archive.FaceRecord{{Photo: p.SHA256, Index: 0, Individual: dec.Individuals[0], Descriptor: d}}
	if err := r.cat.PutFaces(r.ctx, recs); err != nil {
		r.t.Fatal(err)
	}
	if err := r.l.Settle(r.ctx, p.SHA256, dec); err != nil {
		r.t.Fatal(err)
	}
}

// descriptor is a unit-free test descriptor: base moved by t along one axis.
func descriptor(t float32) face.Descriptor {
	var d face.Descriptor
	for i := range d {
		d[i] = float32(i%7) / 20
	}
	d[0] += t
	return d
}

const hashA, hashFar = "8000000000000001", "7fff00ff00ff0000"

func TestCopiesListedInEitherOrderShowThePhotographOnce(t *testing.T) {
	r := newLinkerRig(t)
	d := descriptor(0)
	orig := r.photo("aa", "", hashA)
	dec := r.resolve(orig, d)
	r.settle(orig, d, dec)
	if err := r.l.List(r.ctx, dec.Individuals[0], orig.SHA256, dec.Original); err != nil {
		t.Fatal(err)
	}

	numbered, unnumbered := r.photo("bb", "777", hashA), r.photo("cc", "", hashA)
	decN := r.resolve(numbered, d)
	decU := r.resolve(unnumbered, d)
	num := numbered.Individual(0)
	if decN.Original != "aa" || decU.Original != "aa" || decN.Individuals[0] != num || decU.Individuals[0] != num {
		t.Fatalf("decisions %+v and %+v: want both copies of aa under %s", decN, decU, num)
	}
	r.settle(numbered, d, decN)
	r.settle(unnumbered, d, decU)
	for _, x := range []struct {
		p   archive.Photo
		dec dedup.Decision
	}{{unnumbered, decU}, {numbered, decN}} { // the later copy first
		if err := r.l.List(r.ctx, num, x.p.SHA256, x.dec.Original); err != nil {
			t.Fatal(err)
		}
	}
	ind, err := r.cat.Individual(r.ctx, num)
	if err != nil {
		t.Fatal(err)
	}
	if len(ind.Photos) != 1 {
		t.Errorf("%s lists %v, want the photograph once", num, ind.Photos)
	}
}

// TestACopyJoinsTheOriginalItsHashShares: a crop whose face moved beyond
// FaceNear was missed (a photograph of its own); a re-encoded copy that
// arrives later lies nearer by its face to that crop than to the original,
// but shares the original's hash, and joins the original.
func TestACopyJoinsTheOriginalItsHashShares(t *testing.T) {
	r := newLinkerRig(t)
	orig, crop, reenc := r.photo("aa", "", hashA), r.photo("bb", "", hashFar), r.photo("cc", "", hashA)
	dO, dC, dQ := descriptor(0), descriptor(0.2), descriptor(0.13)
	dec := r.resolve(orig, dO)
	r.settle(orig, dO, dec)
	if dec = r.resolve(crop, dC); dec.Original != "" {
		t.Fatalf("the crop 0.2 from the original was linked to %s: the test's distances are wrong", dec.Original)
	}
	r.settle(crop, dC, dec)
	if dec = r.resolve(reenc, dQ); dec.Original != "aa" {
		t.Errorf("the re-encoded copy joined %q, want the original aa (its hash; the crop is only nearer by its face)", dec.Original)
	}
}
