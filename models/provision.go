package models

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// ConvertFunc writes the dlib ResNet from parameters in dlib's layout (see
// dlibResNetParams) to path. models/dlibconv.Write is the implementation.
type ConvertFunc func(params []float32, path string) error

// Options configure Fetch.
type Options struct {
	// Dir is where the models are installed.
	Dir string
	// FromDir is a model directory the user names; it is tried first.
	FromDir string
	// NoDownload skips dlib.net's official files (air-gapped sites).
	NoDownload bool
	// MMODPath is a local copy of mmod_human_face_detector.dat, used when it
	// cannot be downloaded.
	MMODPath string
	// FaceAPITarball is a local copy of the face-api npm tarball; when empty
	// it is fetched with `npm pack`.
	FaceAPITarball string
	// Force provisions every file again even if it verifies.
	Force bool
	// Convert writes the converted ResNet; without it the npm source is skipped.
	Convert ConvertFunc
	// HTTP downloads official files; nil means a client with a 10-minute timeout.
	HTTP *http.Client
	Log  *slog.Logger
}

// Fetch installs every required model file into opts.Dir, trying the sources
// in order, and records what it installed. Files that already verify are
// kept, so running it again does nothing.
func Fetch(ctx context.Context, opts Options) (Installed, error) {
	if opts.Dir == "" {
		return Installed{}, errors.New("models: no model directory given")
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: 10 * time.Minute}
	}
	req, err := Required()
	if err != nil {
		return Installed{}, err
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return Installed{}, fmt.Errorf("models: %w", err)
	}
	in, err := ReadInstalled(opts.Dir)
	if err != nil {
		return in, err
	}
	var npm *npmCache
	var failed []error
	for _, f := range req.Files {
		if !opts.Force && installedOK(opts.Dir, f, in) {
			opts.Log.Debug("model present", "file", f.Name)
			continue
		}
		prev, _ := in.Lookup(f.Name)
		e, err := provisionOne(ctx, opts, f, prev, &npm)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		in.put(e)
		opts.Log.Info("model installed", "file", e.Name, "source", e.Source, "origin", e.Origin, "sha256", e.SHA256)
		if err := writeInstalled(opts.Dir, in); err != nil {
			return in, fmt.Errorf("models: %w", err)
		}
	}
	return in, errors.Join(failed...)
}

func installedOK(dir string, f File, in Installed) bool {
	e, ok := in.Lookup(f.Name)
	if !ok {
		return false
	}
	sum, _, err := FileSHA256(filepath.Join(dir, f.Name))
	return err == nil && sum == e.SHA256
}

// provisionOne tries each source for one file and returns the first success.
// A checksum mismatch stops the search: bytes that differ from a pinned or
// recorded hash mean a changed or tampered source, which a person must look
// at before another source silently takes its place.
func provisionOne(ctx context.Context, opts Options, f File, prev Entry, npm **npmCache) (Entry, error) {
	dst := filepath.Join(opts.Dir, f.Name)
	var tried []error
	var mismatch error
	try := func(e Entry, err error) (Entry, bool) {
		if errors.Is(err, ErrChecksum) {
			opts.Log.Warn("model checksum mismatch", "file", f.Name, "err", err)
			mismatch = fmt.Errorf("%s: %w", f.Name, err)
			return e, false
		}
		if err != nil {
			opts.Log.Debug("model source failed", "file", f.Name, "err", err)
			tried = append(tried, err)
			return e, false
		}
		e.Name = f.Name
		e.When = time.Now().UTC()
		return e, true
	}
	if opts.FromDir != "" {
		if e, ok := try(copyFrom(filepath.Join(opts.FromDir, f.Name), dst, f.SHA256, SourceDir, "")); ok {
			return e, nil
		}
	}
	if !opts.NoDownload && mismatch == nil {
		for _, url := range f.Official {
			want := f.SHA256
			if want == "" && prev.Source == SourceOfficial {
				want = prev.SHA256 // recorded on first download
			}
			if e, ok := try(download(ctx, opts.HTTP, url, dst, want)); ok {
				return e, nil
			}
			if mismatch != nil {
				break
			}
		}
	}
	if mismatch != nil {
		return Entry{}, mismatch
	}
	switch f.Offline.Kind {
	case OfflineDebian68:
		for _, p := range f.Offline.Paths {
			note := "Debian's 68-point landmark model under the 5-point name; its training data (iBUG 300-W) is for non-commercial use only"
			if e, ok := try(copyFrom(p, dst, "", SourceOffline, note)); ok {
				return e, nil
			}
		}
	case OfflineNPM:
		if opts.Convert == nil {
			tried = append(tried, errors.New("no converter for the npm source"))
			break
		}
		if *npm == nil {
			c, err := openNPM(ctx, f.Offline, opts.FaceAPITarball)
			if err != nil {
				tried = append(tried, err)
				break
			}
			*npm = c
		}
		if e, ok := try((*npm).convert(dst, opts.Convert)); ok {
			return e, nil
		}
	case OfflineLocalCopy:
		if opts.MMODPath != "" {
			if e, ok := try(copyFrom(opts.MMODPath, dst, f.SHA256, SourceOffline, "")); ok {
				return e, nil
			}
		} else {
			tried = append(tried, errors.New("no local copy given (--mmod PATH)"))
		}
	}
	if mismatch != nil {
		return Entry{}, mismatch
	}
	return Entry{}, fmt.Errorf("%w: %s: %w", ErrNoSource, f.Name, errors.Join(tried...))
}

// copyFrom copies src to dst, checking want when it is set.
func copyFrom(src, dst, want, source, note string) (Entry, error) {
	in, err := os.Open(src)
	if err != nil {
		return Entry{}, err
	}
	defer in.Close()
	sum, n, err := writeHashed(dst, in, want)
	if err != nil {
		return Entry{}, fmt.Errorf("%s: %w", src, err)
	}
	abs, _ := filepath.Abs(src)
	return Entry{Source: source, Origin: abs, Note: note, SHA256: sum, Size: n}, nil
}
