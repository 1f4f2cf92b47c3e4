package ingest

import (
	"archive/zip"

	"github.com/facetriage/facetriage/internal/imgfile"
)

// countZip counts the photos of a zip archive from its directory.
func countZip(path string) int {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return 0
	}
	defer zr.Close()
	n := 0
	for _, f := range zr.File {
		if !f.FileInfo().IsDir() && imgfile.IsPhotoName(f.Name) {
			n++
		}
	}
	return n
}
