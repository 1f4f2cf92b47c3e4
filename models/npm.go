package models

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// npmCache holds the two face-api files needed for the conversion.
type npmCache struct {
	origin   string
	manifest []byte
	shard    []byte
}

// openNPM obtains the face-api tarball (a local copy, or `npm pack`), checks
// it against the pinned SHA-256 and reads the recognition weights from it.
func openNPM(ctx context.Context, off Offline, local string) (*npmCache, error) {
	path := local
	if path == "" {
		tmp, err := os.MkdirTemp("", "facetriage-npm-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		if _, err := exec.LookPath("npm"); err != nil {
			return nil, fmt.Errorf("npm is not installed; install Node.js/npm or pass the tarball of %s: %w", off.Package, err)
		}
		cmd := exec.CommandContext(ctx, "npm", "pack", off.Package, "--pack-destination", tmp, "--silent")
		cmd.Dir = tmp
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("npm pack %s: %w: %s", off.Package, err, strings.TrimSpace(stderr.String()))
		}
		name := strings.TrimSpace(string(out))
		if i := strings.LastIndexByte(name, '\n'); i >= 0 {
			name = name[i+1:]
		}
		path = filepath.Join(tmp, name)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum, _, err := hashReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if sum != off.TarballSHA256 {
		return nil, fmt.Errorf("%w: %s: got %s, want %s", ErrChecksum, off.Package, sum, off.TarballSHA256)
	}
	files, err := untarFiles(data, off.WeightsManifest, off.Weights)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", off.Package, err)
	}
	return &npmCache{
		origin:   "npm " + off.Package + " (sha256 " + sum + ")",
		manifest: files[off.WeightsManifest],
		shard:    files[off.Weights],
	}, nil
}

func (c *npmCache) convert(dst string, conv ConvertFunc) (Entry, error) {
	ts, err := readTFJS(c.manifest, c.shard)
	if err != nil {
		return Entry{}, err
	}
	params, err := dlibResNetParams(ts)
	if err != nil {
		return Entry{}, err
	}
	tmp := dst + ".converting"
	defer os.Remove(tmp)
	if err := conv(params, tmp); err != nil {
		return Entry{}, err
	}
	e, err := copyFrom(tmp, dst, "", SourceOffline, "dlib ResNet converted from face-api's TensorFlow.js weights with dlib's serialiser")
	if err != nil {
		return Entry{}, err
	}
	e.Origin = c.origin
	return e, nil
}

// untarFiles returns the named members of a gzipped tarball.
func untarFiles(tgz []byte, names ...string) (map[string][]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	out := make(map[string][]byte)
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if !want[h.Name] {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, maxModelBytes))
		if err != nil {
			return nil, err
		}
		out[h.Name] = b
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, fmt.Errorf("%w: %s not in the tarball", ErrWeights, n)
		}
	}
	return out, nil
}
