package imgfile

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// Extensions are the file name extensions taken as photos when walking a
// folder. A file named explicitly is always tried, whatever its name.
var Extensions = []string{".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff", ".bmp", ".webp", ".pgm", ".ppm", ".pnm"}

// IsPhotoName reports whether name has one of Extensions (any case).
func IsPhotoName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range Extensions {
		if ext == e {
			return true
		}
	}
	return false
}

// Expand turns paths into photo files: a file stays as it is, a folder
// becomes its photos, recursively and sorted. A path that cannot be read is
// returned as it is, so the caller reports its error in order.
func Expand(paths []string) []string {
	var out []string
	for _, p := range paths {
		var found []string
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if path == p {
					return err
				}
				found = append(found, path) // unreadable entry: reported by the reader
				return nil
			}
			if d.Type().IsRegular() && (path == p || IsPhotoName(d.Name())) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			out = append(out, p)
			continue
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out
}
