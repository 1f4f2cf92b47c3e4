package archive

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// ErrChanged means an original's bytes no longer hash to its SHA-256.
var ErrChanged = errors.New("the original no longer matches its SHA-256")

// ReadOriginal reads a photo where it lies, by its recorded path (a file,
// or "ARCHIVE!MEMBER"; see EncodePath), and checks its bytes against the
// SHA-256 it was catalogued with.
//
// A recorded path can be read more than one way: a '!' may be part of a
// folder's or a member's name, and an archive may hold two members of the
// same name. Each reading is tried; the one whose bytes hash to sha wins.
func ReadOriginal(path, sha string, maxBytes int64) ([]byte, error) {
	var firstErr error
	changed := false
	for _, loc := range locations(path) {
		data, err := loc.read(maxBytes, func(b []byte) bool { return hashOf(b) == sha })
		switch {
		case err == nil:
			return data, nil
		case errors.Is(err, ErrChanged):
			changed = true
		case firstErr == nil:
			firstErr = err
		}
	}
	if changed || firstErr == nil {
		return nil, fmt.Errorf("%w: %s, catalogued as %s", ErrChanged, path, sha)
	}
	return nil, firstErr
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// location is one reading of a recorded path: a file, or a member of an
// archive (raw bytes).
type location struct {
	file, member string
	inArchive    bool
}

// locations lists the readings of a recorded path: every split at a '!'
// after an archive's name, the last first, then the plain file.
func locations(rec string) []location {
	var out []location
	for i := len(rec) - 1; i >= 0; i-- {
		if rec[i] == MemberSep[0] && IsArchiveName(rec[:i]) {
			out = append(out, location{file: DecodePath(rec[:i]), member: DecodePath(rec[i+1:]), inArchive: true})
		}
	}
	return append(out, location{file: DecodePath(rec)})
}

// read returns the bytes at loc that want accepts; ErrChanged when bytes
// were found but none was accepted.
func (loc location) read(maxBytes int64, want func([]byte) bool) ([]byte, error) {
	if !loc.inArchive {
		data, _, err := readFile(loc.file, true, maxBytes)
		if err != nil {
			return nil, err
		}
		if !want(data) {
			return nil, ErrChanged
		}
		return data, nil
	}
	f, st, err := openRegular(loc.file, true)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	found := false
	accept := func(data []byte, err error) ([]byte, bool, error) {
		if err != nil {
			return nil, false, err
		}
		found = true
		return data, want(data), nil
	}
	if isZipName(loc.file) {
		files, err := sortedZip(f, st.Size())
		if err != nil {
			return nil, err
		}
		for _, zf := range files {
			if zf.Name != loc.member {
				continue
			}
			if data, ok, err := accept(readZipMember(zf, maxBytes)); err != nil || ok {
				return data, err
			}
		}
	} else {
		var r io.Reader = f
		if isGzipName(loc.file) {
			zr, err := gzip.NewReader(f)
			if err != nil {
				return nil, fmt.Errorf("%w: gzip: %w", ErrBadArchive, err)
			}
			defer zr.Close()
			r = zr
		}
		tr := tar.NewReader(r)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
				return nil, fmt.Errorf("%w: tar: %w", ErrBadArchive, err)
			}
			if h.Name != loc.member || (h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeGNUSparse) {
				continue
			}
			if data, ok, err := accept(readLimited(tr, maxBytes)); err != nil || ok {
				return data, memberErr(err)
			}
		}
	}
	if found {
		return nil, ErrChanged
	}
	return nil, fmt.Errorf("%s: no member %s", EncodePath(loc.file), EncodePath(loc.member))
}
