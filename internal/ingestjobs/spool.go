package ingestjobs

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/facetriage/facetriage/internal/bus"
)

// Limits of what is kept.
const (
	// MinFree is the space an upload leaves free on the upload folder's
	// disk (the data directory's, shared with the store): an upload stops
	// before it would take the store's room.
	MinFree = 256 << 20
	// checkEvery is how many bytes are written between two looks at the
	// free space.
	checkEvery = 16 << 20
	// maxRatio and bombFloor: a compressed upload may expand to maxRatio
	// times its size, or bombFloor (Config.ExpandFloor), whichever is larger. Photos do not
	// compress; a cache of JPEGs expands by about 1.
	maxRatio  = 20
	bombFloor = 1 << 30
)

// Formats of a kept upload (its file's extension, which archive.Walk reads).
const (
	fmtZip   = ".zip"
	fmtTar   = ".tar"
	fmtTarGz = ".tar.gz"
)

// sniff tells an archive's format by its first bytes.
func sniff(head []byte) (string, error) {
	switch {
	case len(head) == 0:
		return "", ErrEmpty
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return fmtZip, nil
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return fmtTarGz, nil
	case len(head) >= 262 && bytes.Equal(head[257:262], []byte("ustar")):
		return fmtTar, nil
	}
	return "", fmt.Errorf("%w (it begins %q)", ErrFormat, head[:min(len(head), 8)])
}

// spooler writes one upload into the upload folder under a temporary
// name, hashing it and watching the free space, then keeps it under its
// SHA-256.
type spooler struct {
	dir     string
	minFree int64
	f       *os.File
	tmp     string
	h       hash.Hash
	n       int64
	checked int64
}

func newSpooler(dir, jobID string, minFree int64) (*spooler, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("ingest: upload folder: %w", err)
	}
	tmp := filepath.Join(dir, "."+jobID+".part")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	s := &spooler{dir: dir, minFree: minFree, f: f, tmp: tmp, h: sha256.New()}
	if err := s.space(); err != nil {
		s.abort()
		return nil, err
	}
	return s, nil
}

// Write writes to the file and the hash, and stops when the disk is low.
func (s *spooler) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	s.h.Write(p[:n])
	s.n += int64(n)
	if err != nil {
		if errors.Is(err, syscall.ENOSPC) {
			return n, fmt.Errorf("%w: %w", ErrStorageFull, err)
		}
		return n, fmt.Errorf("ingest: writing the upload: %w", err)
	}
	if s.n-s.checked >= checkEvery {
		s.checked = s.n
		if err := s.space(); err != nil {
			return n, err
		}
	}
	return n, nil
}

func (s *spooler) space() error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.dir, &st); err != nil {
		return nil // cannot tell: the write itself will say
	}
	if free := int64(st.Bavail) * int64(st.Bsize); free < s.minFree {
		return fmt.Errorf("%w: %.0f MiB free beside the upload, %.0f MiB kept for the store", ErrStorageFull,
			float64(free)/(1<<20), float64(s.minFree)/(1<<20))
	}
	return nil
}

func (s *spooler) abort() {
	s.f.Close()
	os.Remove(s.tmp)
}

// finish syncs and closes the file.
func (s *spooler) finish() error {
	err := s.f.Sync()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(s.tmp)
		if errors.Is(err, syscall.ENOSPC) {
			return fmt.Errorf("%w: %w", ErrStorageFull, err)
		}
		return fmt.Errorf("ingest: %w", err)
	}
	return nil
}

// keep renames the finished file to its SHA-256 with ext; the same upload
// sent twice is kept once.
func (s *spooler) keep(ext string) (name, sum string, err error) {
	sum = hex.EncodeToString(s.h.Sum(nil))
	name = sum + ext
	if _, err := os.Stat(filepath.Join(s.dir, name)); err == nil {
		os.Remove(s.tmp)
		return name, sum, nil
	}
	if err := os.Rename(s.tmp, filepath.Join(s.dir, name)); err != nil {
		os.Remove(s.tmp)
		return "", "", fmt.Errorf("ingest: %w", err)
	}
	return name, sum, nil
}

// spoolArchive writes an archive stream; it returns the format.
func spoolArchive(s *spooler, r io.Reader) (string, error) {
	br := bufio.NewReaderSize(r, 512)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", readErr(err)
	}
	ext, err := sniff(head)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(s, br); err != nil {
		return "", readErr(err)
	}
	return ext, nil
}

// memPhoto is the largest photo an upload of photos holds in memory on
// its way into the tar archive; a larger one goes through a file beside it
// (and the walk records it as too large for the bus).
const memPhoto = bus.MaxPhotoBytes

// spoolPhotos writes photos into a tar archive: their names, whatever
// bytes they hold, are members' names (GNU format keeps any byte), never
// paths on this machine. Times are fixed, so the same photos under the
// same names make the same archive, kept once.
func spoolPhotos(s *spooler, photos func(add func(string, io.Reader) error) error) (int, error) {
	tw := tar.NewWriter(s)
	n := 0
	var buf bytes.Buffer
	err := photos(func(name string, r io.Reader) error {
		n++
		if name == "" {
			name = "photo-" + strconv.Itoa(n) + ".jpg" // the decode stage reads the format from the bytes
		}
		// A tar header needs the size first: a photo is read whole (in
		// memory up to memPhoto, else into a file), then written.
		buf.Reset()
		if _, err := io.Copy(&buf, io.LimitReader(r, memPhoto+1)); err != nil {
			return readErr(err)
		}
		body, size := io.Reader(&buf), int64(buf.Len())
		if size > memPhoto {
			f, err := s.overflow(io.MultiReader(&buf, r))
			if err != nil {
				return err
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil {
				return writeErr(err)
			}
			body, size = f, st.Size()
		}
		h := &tar.Header{Name: name, Mode: 0o600, Size: size, Typeflag: tar.TypeReg,
			ModTime: time.Unix(0, 0), Format: tar.FormatGNU}
		if err := tw.WriteHeader(h); err != nil {
			return writeErr(err)
		}
		_, err := io.Copy(tw, body)
		return writeErr(err)
	})
	if err != nil {
		return n, err
	}
	if n == 0 {
		return 0, fmt.Errorf("%w: no photo in the request", ErrEmpty)
	}
	return n, writeErr(tw.Close())
}

// overflow writes a photo too large for memory into a file beside the
// upload, watching the free space, and returns it open at its start; the
// file is gone once closed.
func (s *spooler) overflow(r io.Reader) (*os.File, error) {
	f, err := os.CreateTemp(s.dir, ".photo-*.part")
	if err != nil {
		return nil, writeErr(err)
	}
	os.Remove(f.Name()) // unlinked: the open file is enough
	buf := make([]byte, 1<<20)
	var since int64
	for {
		k, rerr := r.Read(buf)
		if k > 0 {
			if _, err := f.Write(buf[:k]); err != nil {
				f.Close()
				if errors.Is(err, syscall.ENOSPC) {
					return nil, fmt.Errorf("%w: %w", ErrStorageFull, err)
				}
				return nil, writeErr(err)
			}
			if since += int64(k); since >= checkEvery {
				since = 0
				if err := s.space(); err != nil {
					f.Close()
					return nil, err
				}
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			f.Close()
			return nil, readErr(rerr)
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, writeErr(err)
	}
	return f, nil
}

func writeErr(err error) error {
	if err == nil || errors.Is(err, ErrStorageFull) {
		return err
	}
	return fmt.Errorf("ingest: writing the upload: %w", err)
}

// readErr classes an error reading the client's body: over the route's
// limit, or cut off.
func readErr(err error) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return fmt.Errorf("%w: more than %d bytes", ErrTooLarge, tooBig.Limit)
	case errors.Is(err, ErrStorageFull):
		return err
	}
	return fmt.Errorf("%w: %w", ErrInterrupted, err)
}

// checkBomb refuses a compressed upload that expands far beyond its size.
// A zip's directory declares each member's size (and reading a member
// stops at it); a gzip stream is read through once, up to the limit.
func checkBomb(path, ext string, size, floor int64) error {
	limit := max(int64(maxRatio)*size, floor)
	switch ext {
	case fmtZip:
		zr, err := zip.OpenReader(path)
		if err != nil {
			return nil // the walk records a damaged zip, with the members it could read
		}
		defer zr.Close()
		var total uint64
		for _, f := range zr.File {
			total += f.UncompressedSize64
			if total > uint64(limit) {
				return fmt.Errorf("%w: its members declare more than %d bytes from %d", ErrBomb, limit, size)
			}
		}
	case fmtTarGz:
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil // the walk records it
		}
		n, _ := io.Copy(io.Discard, io.LimitReader(zr, limit+1))
		if n > limit {
			return fmt.Errorf("%w: it expands to more than %d bytes from %d", ErrBomb, limit, size)
		}
	}
	return nil
}
