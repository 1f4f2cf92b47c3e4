package archive

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWalkFoldersAndArchives(t *testing.T) {
	dir := t.TempDir()
	photo := []byte("\xff\xd8\xff fake photo bytes")
	os.MkdirAll(filepath.Join(dir, "b"), 0o755)
	os.WriteFile(filepath.Join(dir, "a.jpg"), photo, 0o644)
	os.WriteFile(filepath.Join(dir, "b", "c.PNG"), photo, 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("skip me"), 0o644)
	os.WriteFile(filepath.Join(dir, "big.jpg"), make([]byte, 200), 0o644)
	// a zip and a tar.gz, each with a photo and a text file
	zf, _ := os.Create(filepath.Join(dir, "cache.zip"))
	zw := zip.NewWriter(zf)
	w, _ := zw.Create("inner/215_4321_Ahmad_2013-05-12.jpg")
	w.Write(photo)
	w, _ = zw.Create("inner/readme.txt")
	w.Write([]byte("x"))
	zw.Close()
	zf.Close()
	tf, _ := os.Create(filepath.Join(dir, "cache.tar.gz"))
	gz := gzip.NewWriter(tf)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "t/x.jpg", Mode: 0o644, Size: int64(len(photo)), Typeflag: tar.TypeReg})
	tw.Write(photo)
	tw.Close()
	gz.Close()
	tf.Close()

	var got, errs, other []string
	err := Walk(context.Background(), []string{dir, filepath.Join(dir, "missing.jpg")}, 100, func(it Item) error {
		if it.Other {
			other = append(other, filepath.Base(it.Path))
			return nil
		}
		if it.Err != nil {
			errs = append(errs, filepath.Base(it.Path))
			return nil
		}
		rel, _ := filepath.Rel(dir, it.Path)
		got = append(got, rel)
		if string(it.Data) != string(photo) {
			t.Errorf("%s: wrong bytes", it.Path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a.jpg", "b/c.PNG", "cache.tar.gz!t/x.jpg", "cache.zip!inner/215_4321_Ahmad_2013-05-12.jpg"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if len(errs) != 2 { // big.jpg over the limit, missing.jpg
		t.Fatalf("errors for %v, want big.jpg and missing.jpg", errs)
	}
	if len(other) != 2 { // the text files, counted
		t.Fatalf("other files %v, want notes.txt and the zip's readme.txt", other)
	}

	// Originals are read back where they lie, checked by their hash.
	sum := sha256.Sum256(photo)
	sha := hex.EncodeToString(sum[:])
	for _, p := range want {
		if _, err := ReadOriginal(filepath.Join(dir, p), sha, 100); err != nil {
			t.Errorf("read %s: %v", p, err)
		}
	}
	if _, err := ReadOriginal(filepath.Join(dir, "a.jpg"), "00", 100); !errors.Is(err, ErrChanged) {
		t.Errorf("changed original: %v, want ErrChanged", err)
	}
}
