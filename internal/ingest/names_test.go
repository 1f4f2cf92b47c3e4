package ingest_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/pipelinetest"
)

// cp1256 is "أحمد" in Windows-1256, the legacy Arabic code page: not UTF-8.
const cp1256 = "\xc3\xcd\xe3\xcf"

// A file name in a legacy code page beside a good photo: both are indexed,
// the walk goes through at once (no retry storm), the recorded path leads
// back to the exact bytes, and the file-name pattern reads the Arabic name.

func TestNonUTF8NameBesideAGoodPhoto(t *testing.T) {
	r := pipelinetest.Start(t, nil)
	dir := t.TempDir()
	odd := filepath.Join(dir, "a", "215_4321_"+cp1256+"_2013-05-12.png")
	pipelinetest.Write(t, odd, facetest.Photo(facetest.Spec{Person: 1}))
	pipelinetest.Write(t, filepath.Join(dir, "b.png"), facetest.Photo(facetest.Spec{Person: 2}))

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a safety net, not a timing
	defer cancel()
	in := &ingest.Ingester{Publisher: bus.Publisher{JS: r.Srv.JS}, Catalogue: r.Catalog}
	sum, err := in.Run(ctx, ingest.Options{Paths: []string{dir}})
	if err != nil {
		t.Fatalf("ingest: %v (summary %+v)", err, sum)
	}
	if sum.Seen != 2 || sum.Indexed != 2 {
		t.Fatalf("summary %+v; want both photos seen and indexed", sum)
	}
	rec, err := r.Catalog.Photo(ctx, sha(facetest.Photo(facetest.Spec{Person: 1})))
	if err != nil || rec.Status != archive.StatusIndexed || len(rec.Paths) != 1 {
		t.Fatalf("the photo with the odd name: %+v, %v", rec, err)
	}
	if want := `\#303\#315\#343\#317`; !strings.Contains(rec.Paths[0], want) {
		t.Errorf("recorded path %q, want the name's bytes escaped as %s", rec.Paths[0], want)
	}
	if archive.DecodePath(rec.Paths[0]) != odd {
		t.Errorf("the recorded path %q decodes to %q, want %q", rec.Paths[0], archive.DecodePath(rec.Paths[0]), odd)
	}
	if rec.Name.Number != "4321" || rec.Name.Photographer != "أحمد" {
		t.Errorf("file name read as %+v, want number 4321 and photographer أحمد", rec.Name)
	}
	if _, err := archive.ReadOriginal(rec.Paths[0], rec.SHA256, bus.MaxPhotoBytes); err != nil {
		t.Errorf("the recorded path %q does not lead back to the original: %v", rec.Paths[0], err)
	}
	if fails, _ := r.Catalog.Failures(ctx); len(fails) != 0 {
		t.Errorf("failures %v, want none", fails)
	}
}
