package models

import (
	"compress/bzip2"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxModelBytes bounds a decompressed model file (the largest is ~100 MB).
const maxModelBytes = 512 << 20

// download fetches an official file, decompressing .bz2, into dst.
func download(ctx context.Context, c *http.Client, url, dst, want string) (Entry, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Entry{}, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return Entry{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Entry{}, fmt.Errorf("%s: %s", url, resp.Status)
	}
	var r io.Reader = resp.Body
	if strings.HasSuffix(url, ".bz2") {
		r = bzip2.NewReader(r)
	}
	sum, n, err := writeHashed(dst, r, want)
	if err != nil {
		return Entry{}, fmt.Errorf("%s: %w", url, err)
	}
	return Entry{Source: SourceOfficial, Origin: url, SHA256: sum, Size: n}, nil
}

// writeHashed writes r to dst atomically and returns its SHA-256. When want
// is set and differs, nothing is written and the error wraps ErrChecksum.
func writeHashed(dst string, r io.Reader, want string) (string, int64, error) {
	var sum string
	var n int64
	err := writeAtomic(dst, func(w io.Writer) error {
		h := sha256.New()
		var err error
		n, err = io.Copy(io.MultiWriter(w, h), io.LimitReader(r, maxModelBytes+1))
		if err != nil {
			return err
		}
		if n > maxModelBytes {
			return fmt.Errorf("larger than %d bytes", maxModelBytes)
		}
		sum = hex.EncodeToString(h.Sum(nil))
		if want != "" && sum != want {
			return fmt.Errorf("%w: got %s, want %s", ErrChecksum, sum, want)
		}
		return nil
	})
	return sum, n, err
}
