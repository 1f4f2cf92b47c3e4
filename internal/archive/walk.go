package archive

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/imgfile"
)

// Item is one photo found by Walk: a file, or a member of an archive, read
// into memory. Err is set when it could not be read; the walk goes on.
type Item struct {
	// Path is the file's path, or "ARCHIVE!MEMBER" inside a zip or tar.
	Path  string
	Data  []byte
	MTime time.Time
	Err   error
}

// MemberSep separates an archive's path from a member's name.
const MemberSep = "!"

// IsArchiveName reports whether name is a zip or tar archive Walk opens.
func IsArchiveName(name string) bool {
	n := strings.ToLower(name)
	for _, ext := range []string{".zip", ".tar", ".tar.gz", ".tgz"} {
		if strings.HasSuffix(n, ext) {
			return true
		}
	}
	return false
}

// Walk finds the photos under paths: files named explicitly, photos in
// folders (recursively, sorted), and photos inside zip and tar archives
// (also .tar.gz), reading each with at most maxBytes. Archives inside
// archives are not opened. fn gets every item in a stable order; an error
// from fn stops the walk.
func Walk(ctx context.Context, paths []string, maxBytes int64, fn func(Item) error) error {
	for _, p := range paths {
		if err := walkOne(ctx, p, maxBytes, fn); err != nil {
			return err
		}
	}
	return nil
}

func walkOne(ctx context.Context, root string, maxBytes int64, fn func(Item) error) error {
	st, err := os.Stat(root)
	if err != nil {
		return fn(Item{Path: root, Err: err})
	}
	if !st.IsDir() {
		if IsArchiveName(root) {
			return walkArchive(ctx, root, maxBytes, fn)
		}
		return fn(readFile(root, maxBytes))
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			files = append(files, path) // reported when read
			return nil
		}
		if d.Type().IsRegular() && (imgfile.IsPhotoName(d.Name()) || IsArchiveName(d.Name())) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return fn(Item{Path: root, Err: err})
	}
	sort.Strings(files)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if IsArchiveName(f) {
			err = walkArchive(ctx, f, maxBytes, fn)
		} else {
			err = fn(readFile(f, maxBytes))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// errTooBig is wrapped in the error of an item over the size limit.
func errTooBig(n, limit int64) error {
	return fmt.Errorf("%w: %d bytes, the largest photo the pipeline carries is %d", imgfile.ErrTooLarge, n, limit)
}

func readFile(path string, maxBytes int64) Item {
	it := Item{Path: path}
	f, err := os.Open(path) // read-only: originals are never modified
	if err != nil {
		it.Err = err
		return it
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		it.Err = err
		return it
	}
	it.MTime = st.ModTime().UTC()
	if st.Size() > maxBytes {
		it.Err = errTooBig(st.Size(), maxBytes)
		return it
	}
	it.Data, it.Err = readLimited(f, maxBytes)
	return it
}

func readLimited(r io.Reader, maxBytes int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > maxBytes {
		return nil, errTooBig(int64(len(b)), maxBytes)
	}
	return b, nil
}

func walkArchive(ctx context.Context, path string, maxBytes int64, fn func(Item) error) error {
	if strings.HasSuffix(strings.ToLower(path), ".zip") {
		return walkZip(ctx, path, maxBytes, fn)
	}
	return walkTar(ctx, path, maxBytes, fn)
}

func walkZip(ctx context.Context, path string, maxBytes int64, fn func(Item) error) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fn(Item{Path: path, Err: fmt.Errorf("zip: %w", err)})
	}
	defer zr.Close()
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.FileInfo().IsDir() || !imgfile.IsPhotoName(f.Name) {
			continue
		}
		it := Item{Path: path + MemberSep + f.Name, MTime: f.Modified.UTC()}
		if int64(f.UncompressedSize64) > maxBytes {
			it.Err = errTooBig(int64(f.UncompressedSize64), maxBytes)
		} else if rc, err := f.Open(); err != nil {
			it.Err = err
		} else {
			it.Data, it.Err = readLimited(rc, maxBytes)
			rc.Close()
		}
		if err := fn(it); err != nil {
			return err
		}
	}
	return nil
}

func walkTar(ctx context.Context, path string, maxBytes int64, fn func(Item) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fn(Item{Path: path, Err: err})
	}
	defer f.Close()
	var r io.Reader = f
	if n := strings.ToLower(path); strings.HasSuffix(n, ".gz") || strings.HasSuffix(n, ".tgz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fn(Item{Path: path, Err: fmt.Errorf("gzip: %w", err)})
		}
		defer zr.Close()
		r = zr
	}
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fn(Item{Path: path, Err: fmt.Errorf("tar: %w", err)})
		}
		if h.Typeflag != tar.TypeReg || !imgfile.IsPhotoName(h.Name) {
			continue
		}
		it := Item{Path: path + MemberSep + h.Name, MTime: h.ModTime.UTC()}
		if h.Size > maxBytes {
			it.Err = errTooBig(h.Size, maxBytes)
		} else {
			it.Data, it.Err = readLimited(tr, maxBytes)
		}
		if err := fn(it); err != nil {
			return err
		}
	}
}
