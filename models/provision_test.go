package models_test

import (
	"context"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/testenv"
	"github.com/facetriage/facetriage/models"
)

const (
	landmarks = "shape_predictor_5_face_landmarks.dat"
	resnet    = "dlib_face_recognition_resnet_model_v1.dat"
	mmod      = "mmod_human_face_detector.dat"
)

// sharedMMOD is the real detector file, whose SHA-256 the manifest pins.
func sharedMMOD(t *testing.T) string {
	return testenv.SharedPath(t, "models", mmod)
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFetchFromDirIsIdempotentAndRepairs(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, filepath.Join(src, landmarks), "landmarks")
	write(t, filepath.Join(src, resnet), "resnet")
	copyFile(t, sharedMMOD(t), filepath.Join(src, mmod))
	opts := models.Options{Dir: dst, FromDir: src, NoDownload: true}
	in, err := models.Fetch(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Files) != 3 {
		t.Fatalf("%d files installed, want 3", len(in.Files))
	}
	for _, e := range in.Files {
		if e.Source != models.SourceDir || !strings.HasPrefix(e.Origin, src) {
			t.Errorf("%s: source %s %s, want the named directory", e.Name, e.Source, e.Origin)
		}
	}
	if _, err := models.Verify(dst); err != nil {
		t.Fatalf("verify after fetch: %v", err)
	}
	record, _ := os.ReadFile(filepath.Join(dst, models.InstalledName))

	// Again: nothing changes.
	if _, err := models.Fetch(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(filepath.Join(dst, models.InstalledName)); string(again) != string(record) {
		t.Error("a second fetch rewrote installed.json")
	}

	// A damaged file is reported, and the next fetch repairs it.
	write(t, filepath.Join(dst, resnet), "damaged")
	_, err = models.Verify(dst)
	if !errors.Is(err, models.ErrChecksum) || !strings.Contains(err.Error(), resnet) {
		t.Fatalf("verify of a damaged file: %v", err)
	}
	if _, err := models.Fetch(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if _, err := models.Verify(dst); err != nil {
		t.Fatalf("verify after repair: %v", err)
	}
	os.Remove(filepath.Join(dst, landmarks))
	if _, err := models.Verify(dst); !errors.Is(err, models.ErrMissing) {
		t.Fatalf("verify of a missing file: %v", err)
	}
}

func TestFetchRefusesAFileThatDiffersFromItsPinnedHash(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	write(t, filepath.Join(src, landmarks), "landmarks")
	write(t, filepath.Join(src, resnet), "resnet")
	write(t, filepath.Join(src, mmod), "not the detector")
	_, err := models.Fetch(context.Background(), models.Options{Dir: dst, FromDir: src, NoDownload: true})
	if !errors.Is(err, models.ErrChecksum) || !strings.Contains(err.Error(), mmod) {
		t.Fatalf("got %v, want ErrChecksum for %s", err, mmod)
	}
	if _, err := os.Stat(filepath.Join(dst, mmod)); !errors.Is(err, os.ErrNotExist) {
		t.Error("the refused file was installed")
	}
	// The files that were fine are installed and recorded.
	in, _ := models.ReadInstalled(dst)
	if _, ok := in.Lookup(resnet); !ok {
		t.Error("resnet not recorded")
	}
}

func bz2(t *testing.T, h string) []byte {
	b, err := hex.DecodeString(h)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mirror serves the official downloads from a test server: every request,
// whatever its host, is answered by handler.
type mirror struct{ srv *httptest.Server }

func (m mirror) RoundTrip(r *http.Request) (*http.Response, error) {
	u, _ := url.Parse(m.srv.URL)
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = u.Scheme, u.Host
	return http.DefaultTransport.RoundTrip(r)
}

func TestOfficialDownloadIsRecordedAndThenChecked(t *testing.T) {
	landmarksV1 := bz2(t, "425a6839314159265359f92072000000089980400020002d2f9900200022991a07850a6000389f7024a22190a543cfc5dc914e14243e481c8000")
	resnetV1 := bz2(t, "425a6839314159265359c5af37330000069980400020002b259d00200022268681ed2840000d8fb0205298389f8bb9229c284862d79b9980")
	tampered := bz2(t, "425a6839314159265359d95ea23c00000891804000260f5c00200022134c653ca10340d0a7a34a5c27d00527f177245385090d95ea23c0")
	served := map[string][]byte{landmarks: landmarksV1, resnet: resnetV1}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := served[strings.TrimSuffix(filepath.Base(r.URL.Path), ".bz2")]
		if !ok {
			http.NotFound(w, r) // the detector: falls back to the local copy
			return
		}
		w.Write(b)
	}))
	defer srv.Close()
	dst := t.TempDir()
	opts := models.Options{Dir: dst, MMODPath: sharedMMOD(t), HTTP: &http.Client{Transport: mirror{srv}}}
	in, err := models.Fetch(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := in.Lookup(landmarks)
	if e.Source != models.SourceOfficial || !strings.HasPrefix(e.Origin, "http://dlib.net/") {
		t.Errorf("landmarks from %s %s, want dlib.net", e.Source, e.Origin)
	}
	if got, _ := os.ReadFile(filepath.Join(dst, landmarks)); string(got) != "official landmarks v1" {
		t.Errorf("landmarks content: %d bytes, not the served file", len(got))
	}
	if e, _ := in.Lookup(mmod); e.Source != models.SourceOffline {
		t.Errorf("detector from %s, want the offline local copy", e.Source)
	}

	// The mirror now serves different bytes: the recorded hash refuses them,
	// and the installed file stays as it was.
	served[landmarks] = tampered
	opts.Force = true
	opts.NoDownload = false
	_, err = models.Fetch(context.Background(), opts)
	if !errors.Is(err, models.ErrChecksum) {
		t.Fatalf("changed official file: got %v, want ErrChecksum", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dst, landmarks)); string(got) != "official landmarks v1" {
		t.Errorf("landmarks overwritten (%d bytes)", len(got))
	}
}
