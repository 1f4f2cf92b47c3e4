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

// Item is one entry Walk found: a photo read into memory, an entry that was
// not read (Err says why), or a file whose name is not a photo's (Other).
type Item struct {
	// Path is the entry's recorded path (EncodePath): a file's path, or
	// "ARCHIVE!MEMBER" inside a zip or tar archive. DecodePath gives back
	// its exact bytes; ReadOriginal reads the photo by it.
	Path  string
	Data  []byte
	MTime time.Time
	// Err says why the entry was not read; ErrorKind classes it. The walk
	// goes on.
	Err error
	// Other marks a regular file (or member) whose name is neither a
	// photo's nor an archive's: not read, only counted.
	Other bool
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

func isZipName(name string) bool { return strings.HasSuffix(strings.ToLower(name), ".zip") }

func isGzipName(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".gz") || strings.HasSuffix(n, ".tgz")
}

// Walk finds the photos under paths: files named explicitly (tried
// whatever their name), photos in folders (recursively, sorted), and photos
// inside zip and tar archives (also .tar.gz), reading each with at most
// maxBytes. fn gets every entry in a stable order, photos and the entries
// that were not read alike:
//
//   - symbolic links, FIFOs, sockets and devices in folders, and link
//     members of archives, are never followed nor read (ErrSymlink,
//     ErrHardLink, ErrSpecial); a path named in paths is followed;
//   - an archive inside an archive is not opened (ErrNestedArchive);
//   - a folder, file or archive that cannot be read ends in an item with
//     its error, and the walk goes on.
//
// Only an error from fn, or the end of ctx, stops the walk.
func Walk(ctx context.Context, paths []string, maxBytes int64, fn func(Item) error) error {
	w := &walker{ctx: ctx, max: maxBytes, fn: fn}
	for _, p := range paths {
		if err := w.root(p); err != nil {
			return err
		}
	}
	return nil
}

type walker struct {
	ctx context.Context
	max int64
	fn  func(Item) error
}

// entryKind is what the walk makes of a folder's entry.
type entryKind uint8

const (
	entryPhoto entryKind = iota
	entryArchive
	entryOther
	entryRefused // not read: err says why
)

type entry struct {
	path string // raw
	kind entryKind
	err  error
}

func (w *walker) root(p string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	st, err := os.Stat(p) // a path named by the operator is followed
	switch {
	case err != nil:
		return w.fn(Item{Path: EncodePath(p), Err: recordedErr(err)})
	case st.IsDir():
		return w.dir(p)
	case !st.Mode().IsRegular():
		return w.fn(Item{Path: EncodePath(p), Err: specialErr(st.Mode())})
	case IsArchiveName(p):
		return w.archive(p, true)
	default:
		return w.fn(w.readFile(p, true))
	}
}

// dir walks a folder without following the links inside it.
func (w *walker) dir(root string) error {
	start := root
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		start = root + string(filepath.Separator) // the named link itself is followed
	}
	var entries []entry
	err := filepath.WalkDir(start, func(path string, d fs.DirEntry, err error) error {
		if cerr := w.ctx.Err(); cerr != nil {
			return cerr
		}
		switch {
		case err != nil: // a folder that cannot be read: recorded, the walk goes on
			entries = append(entries, entry{path: path, kind: entryRefused, err: recordedErr(err)})
		case d.IsDir():
		case d.Type()&fs.ModeSymlink != 0:
			entries = append(entries, entry{path: path, kind: entryRefused, err: symlinkErr(path)})
		case !d.Type().IsRegular():
			entries = append(entries, entry{path: path, kind: entryRefused, err: specialErr(d.Type())})
		case IsArchiveName(d.Name()):
			entries = append(entries, entry{path: path, kind: entryArchive})
		case imgfile.IsPhotoName(d.Name()):
			entries = append(entries, entry{path: path, kind: entryPhoto})
		default:
			entries = append(entries, entry{path: path, kind: entryOther})
		}
		return nil
	})
	if err != nil {
		return err // only the end of ctx stops WalkDir
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].path < entries[j].path })
	for _, e := range entries {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		switch e.kind {
		case entryPhoto:
			err = w.fn(w.readFile(e.path, false))
		case entryArchive:
			err = w.archive(e.path, false)
		case entryOther:
			err = w.fn(Item{Path: EncodePath(e.path), Other: true})
		default:
			err = w.fn(Item{Path: EncodePath(e.path), Err: e.err})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func symlinkErr(path string) error {
	target, err := os.Readlink(path)
	if err != nil {
		return ErrSymlink
	}
	return fmt.Errorf("%w (to %s)", ErrSymlink, EncodePath(target))
}

func specialErr(m fs.FileMode) error {
	what := "an irregular file"
	switch {
	case m&fs.ModeNamedPipe != 0:
		what = "a FIFO"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a block device"
	case m&fs.ModeSymlink != 0:
		return ErrSymlink
	}
	return fmt.Errorf("%w (%s)", ErrSpecial, what)
}

// longName refuses a recorded path longer than MaxPathBytes.
func longName(rec string) error {
	if len(rec) <= MaxPathBytes {
		return nil
	}
	return fmt.Errorf("%w: %d bytes recorded, at most %d", ErrLongName, len(rec), MaxPathBytes)
}

// openRegular opens a file for reading only if it is a regular file. With
// follow false a symbolic link is refused, even one put in the file's place
// after the folder was read.
func openRegular(path string, follow bool) (*os.File, fs.FileInfo, error) {
	flags := os.O_RDONLY | openFlags // read-only: originals are never modified
	if !follow {
		flags |= openNoFollow
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		if fi, lerr := os.Lstat(path); !follow && lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, nil, symlinkErr(path)
		}
		return nil, nil, recordedErr(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, recordedErr(err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		if st.IsDir() {
			return nil, nil, fmt.Errorf("%s: %w", EncodePath(path), errIsDir)
		}
		return nil, nil, specialErr(st.Mode())
	}
	return f, st, nil
}

var errIsDir = errors.New("is a folder")

// errTooBig is wrapped in the error of an item over the size limit.
func errTooBig(n, limit int64) error {
	return fmt.Errorf("%w: %d bytes, the largest photo the pipeline carries is %d", imgfile.ErrTooLarge, n, limit)
}

func (w *walker) readFile(path string, follow bool) Item {
	it := Item{Path: EncodePath(path)}
	if it.Err = longName(it.Path); it.Err != nil {
		return it
	}
	it.Data, it.MTime, it.Err = readFile(path, follow, w.max)
	return it
}

func readFile(path string, follow bool, maxBytes int64) ([]byte, time.Time, error) {
	f, st, err := openRegular(path, follow)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer f.Close()
	mtime := st.ModTime().UTC()
	if st.Size() > maxBytes {
		return nil, mtime, errTooBig(st.Size(), maxBytes)
	}
	data, err := readLimited(f, maxBytes)
	return data, mtime, recordedErr(err)
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

// memberErr marks an error reading a member's bytes as the archive's fault
// (truncated, corrupt, an unsupported method), unless the member was too
// large.
func memberErr(err error) error {
	if err == nil || errors.Is(err, imgfile.ErrTooLarge) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrBadArchive, err)
}

func (w *walker) archive(path string, follow bool) error {
	rec := EncodePath(path)
	if err := longName(rec); err != nil {
		return w.fn(Item{Path: rec, Err: err})
	}
	f, st, err := openRegular(path, follow)
	if err != nil {
		return w.fn(Item{Path: rec, Err: err})
	}
	defer f.Close()
	if isZipName(path) {
		return w.zip(rec, f, st.Size())
	}
	return w.tar(rec, path, f)
}

// sortedZip opens a zip's directory, its members sorted by name. A zip
// whose names are not local (absolute, "..") is read all the same: members
// are never written anywhere by their names.
func sortedZip(r io.ReaderAt, size int64) ([]*zip.File, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%w: %w", ErrBadArchive, err)
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.SliceStable(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

func (w *walker) zip(rec string, f io.ReaderAt, size int64) error {
	files, err := sortedZip(f, size)
	if err != nil {
		return w.fn(Item{Path: rec, Err: fmt.Errorf("%w (no member was read)", err)})
	}
	for _, zf := range files {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		it, ok := w.zipMember(rec, zf)
		if !ok {
			continue
		}
		if err := w.fn(it); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) zipMember(rec string, zf *zip.File) (Item, bool) {
	it := Item{Path: rec + MemberSep + EncodePath(zf.Name), MTime: zf.Modified.UTC()}
	mode := zf.Mode()
	switch {
	case mode.IsDir():
		return it, false
	case mode&fs.ModeSymlink != 0:
		it.Err = ErrSymlink
	case !mode.IsRegular():
		it.Err = specialErr(mode)
	case IsArchiveName(zf.Name):
		it.Err = ErrNestedArchive
	case !imgfile.IsPhotoName(zf.Name):
		it.Other = true
	case longName(it.Path) != nil: // a photo's path travels on the bus
		it.Err = longName(it.Path)
	case zf.UncompressedSize64 > uint64(w.max):
		it.Err = errTooBig(int64(min(zf.UncompressedSize64, 1<<62)), w.max)
	default:
		it.Data, it.Err = readZipMember(zf, w.max)
	}
	return it, true
}

func readZipMember(zf *zip.File, maxBytes int64) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, memberErr(err)
	}
	defer rc.Close()
	data, err := readLimited(rc, maxBytes)
	return data, memberErr(err)
}

func (w *walker) tar(rec, path string, f io.Reader) error {
	r := f
	if isGzipName(path) {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return w.fn(Item{Path: rec, Err: fmt.Errorf("%w: gzip: %w (no member was read)", ErrBadArchive, err)})
		}
		defer zr.Close()
		r = zr
	}
	tr := tar.NewReader(r)
	for n := 0; ; n++ {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return w.fn(Item{Path: rec, Err: fmt.Errorf("%w: tar: %w (after %d entries)", ErrBadArchive, err, n)})
		}
		it, ok := w.tarMember(rec, h, tr)
		if !ok {
			continue
		}
		if err := w.fn(it); err != nil {
			return err
		}
	}
}

func (w *walker) tarMember(rec string, h *tar.Header, tr io.Reader) (Item, bool) {
	it := Item{Path: rec + MemberSep + EncodePath(h.Name), MTime: h.ModTime.UTC()}
	regular := h.Typeflag == tar.TypeReg || h.Typeflag == tar.TypeGNUSparse
	switch {
	case h.Typeflag == tar.TypeDir || h.Typeflag == tar.TypeXGlobalHeader:
		return it, false
	case h.Typeflag == tar.TypeSymlink:
		it.Err = fmt.Errorf("%w (to %s)", ErrSymlink, EncodePath(h.Linkname))
	case h.Typeflag == tar.TypeLink:
		it.Err = fmt.Errorf("%w (the same bytes as %s)", ErrHardLink, EncodePath(h.Linkname))
	case h.Typeflag == tar.TypeFifo:
		it.Err = specialErr(fs.ModeNamedPipe)
	case h.Typeflag == tar.TypeChar:
		it.Err = specialErr(fs.ModeDevice | fs.ModeCharDevice)
	case h.Typeflag == tar.TypeBlock:
		it.Err = specialErr(fs.ModeDevice)
	case !regular:
		it.Err = fmt.Errorf("%w (a tar entry of type %q)", ErrSpecial, h.Typeflag)
	case IsArchiveName(h.Name):
		it.Err = ErrNestedArchive
	case !imgfile.IsPhotoName(h.Name):
		it.Other = true
	case longName(it.Path) != nil: // a photo's path travels on the bus
		it.Err = longName(it.Path)
	case h.Size > w.max:
		it.Err = errTooBig(h.Size, w.max)
	default:
		it.Data, it.Err = readLimited(tr, w.max)
		it.Err = memberErr(it.Err)
	}
	return it, true
}
