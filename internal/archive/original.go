package archive

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ErrChanged means an original's bytes no longer hash to its SHA-256.
var ErrChanged = errors.New("the original no longer matches its SHA-256")

// ReadOriginal reads a photo where it lies (a file, or "ARCHIVE!MEMBER")
// and checks its bytes against the SHA-256 it was catalogued with.
func ReadOriginal(path, sha string, maxBytes int64) ([]byte, error) {
	data, err := readOriginal(path, maxBytes)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != sha {
		return nil, fmt.Errorf("%w: %s hashes to %s, catalogued as %s", ErrChanged, path, got, sha)
	}
	return data, nil
}

func readOriginal(path string, maxBytes int64) ([]byte, error) {
	i := strings.LastIndex(path, MemberSep)
	if i < 0 || !IsArchiveName(path[:i]) {
		it := readFile(path, maxBytes)
		return it.Data, it.Err
	}
	arch, member := path[:i], path[i+1:]
	if strings.HasSuffix(strings.ToLower(arch), ".zip") {
		zr, err := zip.OpenReader(arch)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		f, err := zr.Open(member)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readLimited(f, maxBytes)
	}
	f, err := os.Open(arch)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if n := strings.ToLower(arch); strings.HasSuffix(n, ".gz") || strings.HasSuffix(n, ".tgz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err != nil {
			return nil, fmt.Errorf("%s: member %s: %w", arch, member, err)
		}
		if h.Name == member {
			return readLimited(tr, maxBytes)
		}
	}
}
