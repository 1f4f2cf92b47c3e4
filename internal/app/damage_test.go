package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/config"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/vector"
)

// connect owns dir as serve does: the embedded server, the catalogue.
func connect(t *testing.T, dir string, log *slog.Logger) *app.Runtime {
	t.Helper()
	rt, err := app.Connect(context.Background(), config.Config{DataDir: dir}, log, app.Own)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.Close)
	return rt
}

// openIndex opens the embedded index and syncs it with the face records,
// as serve does at start.
func openIndex(t *testing.T, rt *app.Runtime, o app.SyncOptions) (vector.Store, int, error) {
	t.Helper()
	store, err := rt.OpenStore(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n, err := rt.SyncIndexWith(context.Background(), store, o)
	return store, n, err
}

func photoSHA(i int) string { return fmt.Sprintf("%064x", i+1) }

// putFaces writes n indexed photos with one face each.
func putFaces(t *testing.T, rt *app.Runtime, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		sha := photoSHA(i)
		if _, err := rt.Catalog.Update(ctx, sha, func(p *archive.Photo) error {
			archive.AddPath(p, fmt.Sprintf("/archive/%03d.jpg", i))
			p.Status, p.Faces, p.Source = archive.StatusIndexed, 1, "test"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		f := archive.FaceRecord{Photo: sha, Index: 0, Descriptor: facetest.Descriptor(uint8(i), 0),
			Individual: archive.FaceIndividual(sha, 0), Model: "fake", Detector: "fake"}
		if err := rt.Catalog.PutFaces(ctx, []archive.FaceRecord{f}); err != nil {
			t.Fatal(err)
		}
	}
}

// bucketBlock returns the block file of a bucket's stream.
func bucketBlock(t *testing.T, dir, bucket string) string {
	t.Helper()
	var blocks []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".blk") && filepath.Base(filepath.Dir(filepath.Dir(p))) == "KV_"+bucket {
			blocks = append(blocks, p)
		}
		return nil
	})
	if len(blocks) != 1 {
		t.Fatalf("%d block files of KV_%s under %s, want 1: has the file store's layout changed?", len(blocks), bucket, dir)
	}
	return blocks[0]
}

// flipIn inverts 64 bytes of a bucket's block of a stopped server: at the
// start of the block (key ""), or inside the record of key.
func flipIn(t *testing.T, dir, bucket, key string) {
	t.Helper()
	path := bucketBlock(t, dir, bucket)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	at := 0
	if key != "" {
		subject := "$KV." + bucket + "." + key
		at = bytes.LastIndex(b, []byte(subject)) // the live record, after any old revision
		if at < 0 {
			t.Fatalf("no record of %s in %s", subject, path)
		}
		at += len(subject) + 100 // inside its value
	}
	for k := at; k < at+64; k++ {
		b[k] ^= 0xff
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// flip damages the face record of photo i, or with i < 0 the block's start.
func flip(t *testing.T, dir string, i int) {
	t.Helper()
	key := ""
	if i >= 0 {
		key = archive.FaceKey(photoSHA(i), 0)
	}
	flipIn(t, dir, bus.BucketFaces, key)
}

func gauge(t *testing.T, rt *app.Runtime, name string) float64 {
	t.Helper()
	mfs, err := rt.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			var m *dto.Metric = mf.GetMetric()[0]
			if m.Gauge != nil {
				return m.Gauge.GetValue()
			}
			return m.Counter.GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// Flipping 64 bytes of a face-record block, as a failing disk or a hostile
// edit would: at start the damaged records are named (log, metric, and a
// failure record of their photo), every other face is served, and the
// pass, whether it rebuilds the index or only checks the records, ends
// within its deadline instead of waiting forever for the unreadable record.
func TestDamagedFaceRecordsAreNamedAtStart(t *testing.T) {
	// The records are damaged where they lie: the layout of a plain
	// store tells where (an encrypted one is damaged the same way by
	// someone who knows the layout, bustest.XORStored).
	defer app.PlainStoreForTests()()
	const n = 60
	cases := []struct {
		name      string
		at        int  // the photo whose record is hit, or -1: the block's first bytes
		dropIndex bool // the index is lost too, and rebuilt
		damaged   int
	}{
		{"one record, index kept", 17, false, 1},
		{"one record, index rebuilt", 17, true, 1},
		{"the last record written (photo 30's, rewritten last), index rebuilt", 30, true, 1},
		{"the block's first record header, index rebuilt", -1, true, n},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			rt := connect(t, dir, quietLog())
			putFaces(t, rt, n)
			// Rewritten records leave deleted sequences, which are no damage.
			for _, i := range []int{3, 4, 30} {
				f, err := rt.Catalog.Face(context.Background(), photoSHA(i), 0)
				if err != nil {
					t.Fatal(err)
				}
				f.Sharpness = 1
				if err := rt.Catalog.PutFaces(context.Background(), []archive.FaceRecord{f}); err != nil {
					t.Fatal(err)
				}
			}
			if _, added, err := openIndex(t, rt, app.SyncOptions{}); err != nil || added != n {
				t.Fatalf("first sync added %d (%v), want %d", added, err, n)
			}
			rt.Close()
			flip(t, dir, tc.at)
			if tc.dropIndex {
				os.RemoveAll(filepath.Join(dir, "index"))
			}

			log, rec := newLogRecorder()
			rt = connect(t, dir, log)
			const deadline = time.Minute
			start := time.Now()
			store, added, err := openIndex(t, rt, app.SyncOptions{Deadline: deadline, Idle: time.Second})
			took := time.Since(start)
			if err != nil {
				t.Fatalf("sync: %v", err)
			}
			if took > deadline {
				t.Fatalf("the sync took %s, beyond its deadline of %s", took, deadline)
			}
			t.Logf("sync took %s, added %d", took.Round(time.Millisecond), added)

			named := rec.lines("damaged face record")
			if len(named) != tc.damaged {
				t.Fatalf("%d damaged records named, want %d: %q", len(named), tc.damaged, named)
			}
			t.Logf("named: %s", named[0])
			if got := gauge(t, rt, "facetriage_face_records_damaged"); got != float64(tc.damaged) {
				t.Errorf("facetriage_face_records_damaged = %v, want %d", got, tc.damaged)
			}
			hit := 0
			if tc.at >= 0 {
				hit = tc.at
			}
			sha := photoSHA(hit)
			if !strings.Contains(named[0], archive.FaceKey(sha, 0)) && tc.at >= 0 {
				t.Errorf("the damaged record is not named by its key %s: %s", archive.FaceKey(sha, 0), named[0])
			}
			ctx := context.Background()
			p, err := rt.Catalog.Photo(ctx, sha)
			if err != nil || p.Status != archive.StatusFailed || !strings.Contains(p.Error, "damaged") {
				t.Errorf("photo %s: status %q, error %q (%v); want failed, damaged", sha[:12], p.Status, p.Error, err)
			}
			fails, err := rt.Catalog.Failures(ctx)
			if err != nil || len(fails) != tc.damaged || fails[0].ErrorKind != "damaged" || fails[0].Path == "" {
				t.Errorf("failures %v (%v), want %d of kind damaged with a path", fails, err, tc.damaged)
			}

			// The rest is served.
			intact := n - tc.damaged
			if c, _ := store.Count(ctx); tc.dropIndex && (c != intact || added != intact) {
				t.Errorf("the rebuilt index holds %d points (%d added), want the %d intact faces", c, added, intact)
			}
			if intact > 0 {
				other := (hit + 1) % n
				hits, err := store.SearchIndividuals(ctx, vector.Query{Vector: facetest.Descriptor(uint8(other), 0), Limit: 1})
				if err != nil || len(hits) != 1 || hits[0].Best.Payload.Photo != photoSHA(other) {
					t.Errorf("search for an intact face: %+v (%v)", hits, err)
				}
				if _, err := rt.Catalog.Face(ctx, photoSHA(other), 0); err != nil {
					t.Errorf("an intact record: %v", err)
				}
			}
			// Faces, used by exports, gives the intact records and names the damaged.
			read := 0
			err = rt.Catalog.Faces(ctx, func(archive.FaceRecord) error { read++; return nil })
			if !errors.Is(err, archive.ErrDamaged) || read != intact {
				t.Errorf("Faces read %d and returned %v, want %d and ErrDamaged", read, err, intact)
			}
		})
	}
}

// A pass that cannot finish in time ends with ErrSyncDeadline, saying how
// far it got.
func TestIndexSyncHasADeadline(t *testing.T) {
	dir := t.TempDir()
	rt := connect(t, dir, quietLog())
	putFaces(t, rt, 20)
	_, _, err := openIndex(t, rt, app.SyncOptions{Deadline: time.Nanosecond})
	if !errors.Is(err, app.ErrSyncDeadline) {
		t.Fatalf("got %v, want ErrSyncDeadline", err)
	}
	t.Logf("reported: %v", err)
}

// A damaged index journal does not stop the start: it is set aside for
// inspection and the index is rebuilt from the face records.
func TestDamagedIndexJournalIsRebuilt(t *testing.T) {
	dir := t.TempDir()
	rt := connect(t, dir, quietLog())
	putFaces(t, rt, 30)
	if _, added, err := openIndex(t, rt, app.SyncOptions{}); err != nil || added != 30 {
		t.Fatalf("first sync added %d (%v)", added, err)
	}
	rt.Close()
	journal := filepath.Join(dir, "index", "faces.journal.sealed") // sealed with the store's key
	b, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	for k := len(b) / 3; k < len(b)/3+64; k++ {
		b[k] ^= 0xff
	}
	if err := os.WriteFile(journal, b, 0o600); err != nil {
		t.Fatal(err)
	}

	log, rec := newLogRecorder()
	rt = connect(t, dir, log)
	store, added, err := openIndex(t, rt, app.SyncOptions{})
	if err != nil || added != 30 {
		t.Fatalf("rebuilt %d (%v), want 30", added, err)
	}
	if n, _ := store.Count(context.Background()); n != 30 {
		t.Fatalf("index holds %d, want 30", n)
	}
	kept, _ := filepath.Glob(journal + ".damaged-*")
	if len(kept) != 1 {
		t.Fatalf("damaged journal kept as %v, want one file", kept)
	}
	if got, _ := os.ReadFile(kept[0]); !bytes.Equal(got, b) {
		t.Error("the journal set aside is not the damaged one")
	}
	if l := rec.lines("index journal is damaged", "kept="); len(l) != 1 {
		t.Errorf("no log line says the journal was set aside: %q", rec.lines("journal"))
	} else {
		t.Logf("logged: %s", l[0])
	}
}

// One photo's face records, read by key, as an export needs them: a
// damaged one is named, the others are given.
func TestFacesOfAPhotoNameTheDamagedOne(t *testing.T) {
	// The records are damaged where they lie: the layout of a plain
	// store tells where (an encrypted one is damaged the same way by
	// someone who knows the layout, bustest.XORStored).
	defer app.PlainStoreForTests()()
	dir := t.TempDir()
	rt := connect(t, dir, quietLog())
	putFaces(t, rt, 10)
	rt.Close()
	flip(t, dir, 4)
	rt = connect(t, dir, quietLog())
	ctx := context.Background()
	for i, want := range map[int]error{3: nil, 4: archive.ErrDamaged} {
		p, err := rt.Catalog.Photo(ctx, photoSHA(i))
		if err != nil {
			t.Fatal(err)
		}
		fs, err := rt.Catalog.FacesOf(ctx, p)
		if !errors.Is(err, want) || (want == nil && len(fs) != 1) {
			t.Errorf("photo %d: %d records, %v; want %v", i, len(fs), err, want)
		}
		if want != nil && !strings.Contains(err.Error(), archive.FaceKey(photoSHA(i), 0)) {
			t.Errorf("the damaged record is not named: %v", err)
		}
	}
}

// Listing the photos (facetriage status) gives every readable record and
// names a damaged one, instead of waiting for it forever.
func TestPhotosNameADamagedRecord(t *testing.T) {
	// The records are damaged where they lie: the layout of a plain
	// store tells where (an encrypted one is damaged the same way by
	// someone who knows the layout, bustest.XORStored).
	defer app.PlainStoreForTests()()
	dir := t.TempDir()
	rt := connect(t, dir, quietLog())
	putFaces(t, rt, 10)
	rt.Close()
	flipIn(t, dir, bus.BucketPhotos, photoSHA(6))
	rt = connect(t, dir, quietLog())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n := 0
	err := rt.Catalog.Photos(ctx, func(archive.Photo) error { n++; return nil })
	if !errors.Is(err, archive.ErrDamaged) || !strings.Contains(err.Error(), photoSHA(6)) || n != 9 {
		t.Fatalf("read %d photos and %v; want 9 and ErrDamaged naming %s", n, err, photoSHA(6))
	}
}
