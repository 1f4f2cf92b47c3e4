//go:build linux

package main

import (
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"

	"github.com/facetriage/facetriage/internal/imgfile"
)

// preparePhotos copies the photos of the run into dst: --n drawn from
// --photos with a seeded shuffle of their sorted paths (the same photos for
// the same flags), and every photo of --extra. The pipeline and the raw
// engine then read the same folder. It returns how many there are.
func preparePhotos(c config, dst string) (int, error) {
	drawn, err := photosIn(c.Photos)
	if err != nil {
		return 0, err
	}
	rand.New(rand.NewSource(c.Seed)).Shuffle(len(drawn), func(i, j int) { drawn[i], drawn[j] = drawn[j], drawn[i] })
	if c.N > 0 && c.N < len(drawn) {
		drawn = drawn[:c.N]
	}
	n, err := copyPhotos(c.Photos, drawn, filepath.Join(dst, "drawn"))
	if err != nil || c.Extra == "" {
		return n, err
	}
	extra, err := photosIn(c.Extra)
	if err != nil {
		return 0, err
	}
	m, err := copyPhotos(c.Extra, extra, filepath.Join(dst, "extra"))
	return n + m, err
}

// photosIn lists the photos under dir, sorted, as the product finds them.
func photosIn(dir string) ([]string, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("photos: %w", err)
	}
	var out []string
	for _, p := range imgfile.Expand([]string{dir}) {
		if imgfile.IsPhotoName(filepath.Base(p)) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("photos: none in %s", dir)
	}
	return out, nil
}

// copyPhotos copies files from under root to the same relative paths under
// dst.
func copyPhotos(root string, files []string, dst string) (int, error) {
	for _, f := range files {
		rel, err := filepath.Rel(root, f)
		if err != nil {
			return 0, err
		}
		to := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
			return 0, err
		}
		if err := copyFile(f, to); err != nil {
			return 0, err
		}
	}
	return len(files), nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
