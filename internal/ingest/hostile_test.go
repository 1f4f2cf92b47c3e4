package ingest_test

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"google.golang.org/protobuf/proto"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/pipelinetest"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

// run ingests with a deadline that is a safety net, not a timing.
func run(t *testing.T, in *ingest.Ingester, opts ingest.Options) ingest.Summary {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sum, err := in.Run(ctx, opts)
	if err != nil {
		t.Fatalf("ingest: %v (summary %+v)", err, sum)
	}
	return sum
}

// failureKinds maps each failure's base name to stage/error kind.
func failureKinds(t *testing.T, r *pipelinetest.Rig) map[string]string {
	t.Helper()
	fails, err := r.Catalog.Failures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range fails {
		out[filepath.Base(f.Path)] = f.Stage + "/" + f.ErrorKind
	}
	return out
}

func tarWith(t *testing.T, photo []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range []*tar.Header{
		{Name: "in-tar.png", Typeflag: tar.TypeReg, Size: int64(len(photo)), Mode: 0o644},
		{Name: "soft.png", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd", Mode: 0o777},
		{Name: "hard.png", Typeflag: tar.TypeLink, Linkname: "in-tar.png", Mode: 0o644},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write(photo)
		}
	}
	tw.Close()
	return b.Bytes()
}

// Symbolic links, FIFOs and tar link members are recorded with their
// reason, not followed; the summary accounts for every entry.
func TestLinksAndSpecialFilesAreRecorded(t *testing.T) {
	r := pipelinetest.Start(t, nil)
	dir := t.TempDir()
	pipelinetest.Write(t, filepath.Join(dir, "good.png"), facetest.Photo(facetest.Spec{Person: 1}))
	pipelinetest.Write(t, filepath.Join(dir, "notes.txt"), []byte("not a photo"))
	pipelinetest.Write(t, filepath.Join(dir, "cache.tar"), tarWith(t, facetest.Photo(facetest.Spec{Person: 2})))
	if err := os.Symlink("good.png", filepath.Join(dir, "link.png")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.png"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := &ingest.Ingester{Publisher: bus.Publisher{JS: r.Srv.JS}, Catalogue: r.Catalog}
	sum := run(t, in, ingest.Options{Paths: []string{dir}})
	if sum.Seen != 6 || sum.Indexed != 2 || sum.Links != 4 || sum.Other != 1 || sum.Unreadable != 0 {
		t.Fatalf("summary %+v; want 6 seen, 2 indexed, 4 links or special files, 1 other file", sum)
	}
	if s := sum.String(); !strings.Contains(s, "4 links or special files not followed") || !strings.Contains(s, "1 other files skipped") {
		t.Errorf("the summary does not account for them: %s", s)
	}
	got := failureKinds(t, r)
	for name, want := range map[string]string{
		"link.png": "ingest/symlink", "fifo.png": "ingest/special",
		"cache.tar!soft.png": "ingest/symlink", "cache.tar!hard.png": "ingest/hardlink",
	} {
		if got[name] != want {
			t.Errorf("%s: %q, want %q (all: %v)", name, got[name], want, got)
		}
	}
	// Ingesting again records nothing twice and publishes nothing.
	again := run(t, in, ingest.Options{Paths: []string{dir}})
	if again.Published != 0 || again.Links != 4 || len(failureKinds(t, r)) != 4 {
		t.Errorf("again: %+v, failures %v", again, failureKinds(t, r))
	}
}

// panicky panics on one person's photos, as a buggy engine would.
type panicky struct{ facetest.Engine }

func (p panicky) Embed(ctx context.Context, data []byte) (engine.Result, error) {
	if bytes.Equal(data, facetest.Photo(facetest.Spec{Person: 7})) {
		var faces []int
		_ = faces[3] // index out of range
	}
	return p.Engine.Embed(ctx, data)
}

// A stage that panics on one photo, in a process that also serves HTTP:
// that photo is recorded as failed (kind panic), the others are indexed,
// and the HTTP side keeps answering.
func TestAPanickingStageFailsOnePhoto(t *testing.T) {
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ready") }))
	defer web.Close()
	r := pipelinetest.Start(t, panicky{})
	dir := t.TempDir()
	for _, p := range []uint8{6, 7, 8} {
		pipelinetest.Write(t, filepath.Join(dir, fmt.Sprintf("p%d.png", p)), facetest.Photo(facetest.Spec{Person: p}))
	}
	in := &ingest.Ingester{Publisher: bus.Publisher{JS: r.Srv.JS}, Catalogue: r.Catalog}
	sum := run(t, in, ingest.Options{Paths: []string{dir}})
	if sum.Indexed != 2 || sum.Failed != 1 {
		t.Fatalf("summary %+v; want 2 indexed and the panicking photo failed", sum)
	}
	fails, _ := r.Catalog.Failures(context.Background())
	if len(fails) != 1 || fails[0].Kind != "panic" || fails[0].ErrorKind != "panic" || fails[0].Stage != bus.StageFaces ||
		filepath.Base(fails[0].Path) != "p7.png" || !strings.Contains(fails[0].Error, "index out of range") {
		t.Fatalf("failures %v; want one: p7.png, faces stage, kind panic", fails)
	}
	rec, _ := r.Catalog.Photo(context.Background(), sha(facetest.Photo(facetest.Spec{Person: 7})))
	if rec.Status != archive.StatusFailed {
		t.Errorf("the photo's record: %+v, want failed", rec)
	}
	resp, err := http.Get(web.URL)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP after the panic: %v, %v", resp, err)
	}
	resp.Body.Close()
}

// refusing is a bus.Publisher whose server refuses one photo as too large
// (a cluster whose max_payload is below facetriage's).
type refusing struct {
	bus.Publisher
	tries atomic.Int32
}

func (p *refusing) Publish(ctx context.Context, stage string, m proto.Message, id string) error {
	if j, ok := m.(*facetriagepb.PhotoJob); ok && strings.Contains(j.Path, "huge") {
		p.tries.Add(1)
		return fmt.Errorf("bus: publish to %s: %w", stage, nats.ErrMaxPayload)
	}
	return p.Publisher.Publish(ctx, stage, m, id)
}

// A message the bus refuses is recorded at once (too_large), not retried
// for minutes, and the walk goes on.
func TestARefusedMessageIsRecordedNotRetried(t *testing.T) {
	r := pipelinetest.Start(t, nil)
	dir := t.TempDir()
	pipelinetest.Write(t, filepath.Join(dir, "a-huge.png"), facetest.Photo(facetest.Spec{Person: 1}))
	pipelinetest.Write(t, filepath.Join(dir, "b.png"), facetest.Photo(facetest.Spec{Person: 2}))
	pub := &refusing{Publisher: bus.Publisher{JS: r.Srv.JS}}
	sum := run(t, &ingest.Ingester{Publisher: pub, Catalogue: r.Catalog}, ingest.Options{Paths: []string{dir}})
	if sum.Indexed != 1 || sum.Unreadable != 1 || pub.tries.Load() != 1 {
		t.Fatalf("summary %+v after %d tries; want b.png indexed, a-huge.png recorded after one try", sum, pub.tries.Load())
	}
	if got := failureKinds(t, r)["a-huge.png"]; got != "ingest/too_large" {
		t.Errorf("a-huge.png: %q, want ingest/too_large", got)
	}
}
