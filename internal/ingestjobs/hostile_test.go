package ingestjobs_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/ingestjobs"
	"github.com/facetriage/facetriage/internal/pipelinetest"
)

// failing gives data, then err: a body cut off, or over the route's limit.
type failing struct {
	r   io.Reader
	err error
}

func (f *failing) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

// bombZip is a small zip whose members declare 2 GiB each.
func bombZip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i < 3; i++ {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("p%d.jpg", i), Method: zip.Store,
			CompressedSize64: 16, UncompressedSize64: 2 << 30})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(make([]byte, 16))
	}
	zw.Close()
	return b.Bytes()
}

// Every hostile upload ends in a job recorded as failed with its reason,
// nothing of the upload is left on disk, and the error says what it was.
func TestHostileUploadsEndInARecordedReason(t *testing.T) {
	rig := pipelinetest.Start(t, nil)
	dir := t.TempDir()
	s := open(t, rig, dir)
	good := zipOf(t, member{Name: "a.png", Data: facetest.Photo(facetest.Spec{Person: 1})})
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		up   ingestjobs.Upload
		want error
		kind string
	}{
		{"over the route's limit", ingestjobs.Upload{Archive: &failing{bytes.NewReader(good), &http.MaxBytesError{Limit: 100}}}, ingestjobs.ErrTooLarge, ingestjobs.KindTooLarge},
		{"cut off", ingestjobs.Upload{Archive: &failing{bytes.NewReader(good[:40]), io.ErrUnexpectedEOF}}, ingestjobs.ErrInterrupted, ingestjobs.KindInterrupted},
		{"not an archive", ingestjobs.Upload{Archive: strings.NewReader("hello, this is text")}, ingestjobs.ErrFormat, ingestjobs.KindFormat},
		{"empty", ingestjobs.Upload{Archive: strings.NewReader("")}, ingestjobs.ErrEmpty, ingestjobs.KindEmpty},
		{"no photo in a multipart upload", ingestjobs.Upload{Photos: func(func(string, io.Reader) error) error { return nil }}, ingestjobs.ErrEmpty, ingestjobs.KindEmpty},
		{"a zip bomb", ingestjobs.Upload{Archive: bytes.NewReader(bombZip(t))}, ingestjobs.ErrBomb, ingestjobs.KindBomb},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := s.Start(ctx, batch, tc.up)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			got, rerr := s.Job(ctx, batch, j.ID)
			if rerr != nil || got.State != ingestjobs.StateFailed || got.ErrorKind != tc.kind || got.Error == "" {
				t.Fatalf("recorded job %+v (%v); want failed, %s, with its reason", got, rerr, tc.kind)
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("left on disk: %v", left)
			}
		})
	}

	// A gzip bomb: 64 MiB of zeros in a tar.gz of some 64 KiB, against a
	// floor of 1 MiB (1 GiB in production).
	small := open(t, rig, dir, func(c *ingestjobs.Config) { c.ExpandFloor = 1 << 20 })
	j, err := small.Start(ctx, batch, ingestjobs.Upload{Archive: bytes.NewReader(gzipBomb(t))})
	if !errors.Is(err, ingestjobs.ErrBomb) || j.ErrorKind != ingestjobs.KindBomb {
		t.Errorf("a gzip bomb: %v, job %+v", err, j)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left on disk after a gzip bomb: %v", left)
	}

	// A disk without room: refused before a byte is kept.
	full := open(t, rig, t.TempDir(), func(c *ingestjobs.Config) { c.MinFree = 1 << 62 })
	j, err = full.Start(ctx, batch, ingestjobs.Upload{Archive: bytes.NewReader(good)})
	if !errors.Is(err, ingestjobs.ErrStorageFull) || j.ErrorKind != ingestjobs.KindStorageFull {
		t.Errorf("a full disk: %v, job %+v", err, j)
	}

	// Who may start: the ingest role only; a source must be text.
	for _, a := range []auth.Actor{admin, {Name: "cw", Role: auth.RoleCaseworker, Via: auth.ViaToken}} {
		if _, err := s.Start(ctx, a, ingestjobs.Upload{Archive: bytes.NewReader(good)}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("%s starts a job: %v", a.Role, err)
		}
	}
	if _, err := s.Start(ctx, batch, ingestjobs.Upload{Source: "\xff\xfe", Archive: bytes.NewReader(good)}); !errors.Is(err, ingestjobs.ErrInvalid) {
		t.Errorf("a source that is not UTF-8: %v", err)
	}
}

// Photos sent one by one keep their names, folders, odd bytes and ".."
// included (the decode stage reads detainee numbers from them), are kept
// once however often they are sent, and count as done before the second
// time.
func TestPhotosKeepTheirNames(t *testing.T) {
	rig := pipelinetest.Start(t, nil)
	s := open(t, rig, t.TempDir())
	ctx := context.Background()
	numbered := facetest.Photo(facetest.Spec{Person: 1})
	photos := []member{
		{Name: "cache/215_4321_Ahmad_2013-05-12.png", Data: numbered},
		{Name: "../../etc/passwd.png", Data: facetest.Photo(facetest.Spec{Person: 2})},
		{Name: "\xc3\xcd\xe3\xcf.png", Data: facetest.Photo(facetest.Spec{Person: 3})},
		{Name: "", Data: facetest.Photo(facetest.Spec{Person: 4})},
	}
	send := func() ingestjobs.Job {
		j, err := s.Start(ctx, batch, ingestjobs.Upload{Source: "caesar", Photos: func(add func(string, io.Reader) error) error {
			for _, p := range photos {
				if err := add(p.Name, bytes.NewReader(p.Data)); err != nil {
					return err
				}
			}
			return nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		return wait(t, s, j.ID)
	}
	first := send()
	if c := first.Counts; first.State != ingestjobs.StateDone || c.Found != 4 || c.Indexed != 4 {
		t.Fatalf("first job: %s %+v %+v", first.State, c, first.Failures)
	}
	rec, err := rig.Catalog.Photo(ctx, sha(numbered))
	if err != nil || rec.Name.Number != "4321" || !strings.HasSuffix(rec.Paths[0], "!cache/215_4321_Ahmad_2013-05-12.png") {
		t.Fatalf("the numbered photo: %+v, %v", rec, err)
	}
	second := send()
	if c := second.Counts; c.DoneBefore != 4 || c.Indexed != 0 || second.Upload != first.Upload {
		t.Errorf("the same photos again: %+v, upload %s (first %s)", c, second.Upload, first.Upload)
	}
}

// Jobs survive a restart: a job left running runs again to its end, and an
// upload cut off by the stop is recorded as interrupted.
func TestJobsSurviveARestart(t *testing.T) {
	rig := pipelinetest.Start(t, nil)
	dir := t.TempDir()
	first := open(t, rig, dir)
	first.Close()
	ctx := context.Background()
	cache := zipOf(t, member{Name: "a.png", Data: facetest.Photo(facetest.Spec{Person: 1})}, member{Name: "b.png", Data: facetest.Photo(facetest.Spec{Person: 2})})
	name := sha(cache) + ".zip"
	if err := os.WriteFile(dir+"/"+name, cache, 0o600); err != nil {
		t.Fatal(err)
	}
	kv, err := rig.Srv.JS.KeyValue(ctx, ingestjobs.Bucket)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range []ingestjobs.Job{
		{ID: "20260101T000000Z-aaaaaaaa", State: ingestjobs.StateRunning, Upload: name, Owner: "batch", By: "token:t1", Source: "caesar",
			Counts: ingestjobs.Counts{Found: 1}},
		{ID: "20260101T000001Z-bbbbbbbb", State: ingestjobs.StateReceiving, Owner: "batch", By: "token:t1"},
	} {
		b, _ := json.Marshal(j)
		if _, err := kv.Put(ctx, j.ID, b); err != nil {
			t.Fatal(err)
		}
	}
	s := open(t, rig, dir)
	done := wait(t, s, "20260101T000000Z-aaaaaaaa")
	if done.State != ingestjobs.StateDone || done.Counts.Indexed != 2 || done.Counts.Found != 2 {
		t.Errorf("the job left running: %s %+v", done.State, done.Counts)
	}
	cut, err := s.Job(ctx, batch, "20260101T000001Z-bbbbbbbb")
	if err != nil || cut.State != ingestjobs.StateFailed || cut.ErrorKind != ingestjobs.KindInterrupted {
		t.Errorf("the upload cut off: %+v %v", cut, err)
	}
	if jobs, _ := s.Jobs(ctx, batch, 0); len(jobs) != 2 {
		t.Errorf("%d jobs listed, want 2", len(jobs))
	}
}

// A photo larger than the bus carries, sent as a part, goes to disk (not
// memory) and ends as an unreadable entry with its reason; the others of
// the upload are indexed.
func TestAnOversizedPhotoIsRecorded(t *testing.T) {
	rig := pipelinetest.Start(t, nil)
	s := open(t, rig, t.TempDir())
	j, err := s.Start(context.Background(), batch, ingestjobs.Upload{Photos: func(add func(string, io.Reader) error) error {
		if err := add("huge.jpg", io.LimitReader(zeros{}, bus.MaxPhotoBytes+1<<20)); err != nil {
			return err
		}
		return add("a.png", bytes.NewReader(facetest.Photo(facetest.Spec{Person: 1})))
	}})
	if err != nil {
		t.Fatal(err)
	}
	done := wait(t, s, j.ID)
	if c := done.Counts; c.Indexed != 1 || c.Unreadable != 1 || len(done.Failures) != 1 || done.Failures[0].Kind != "too_large" {
		t.Fatalf("job %+v, failures %+v", c, done.Failures)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// gzipBomb is a tar.gz holding one member of 64 MiB of zeros.
func gzipBomb(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "zeros.jpg", Mode: 0o600, Size: 64 << 20, Typeflag: tar.TypeReg})
	io.Copy(tw, io.LimitReader(zeros{}, 64<<20))
	tw.Close()
	zw.Close()
	return b.Bytes()
}
