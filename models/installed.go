package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// InstalledName is the record provisioning writes into the model directory.
const InstalledName = "installed.json"

// Source kinds recorded in Entry.Source.
const (
	SourceDir      = "dir"
	SourceOfficial = "official"
	SourceOffline  = "offline"
)

// Entry records one installed model file.
type Entry struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	// Origin is the path, URL or package the file came from.
	Origin string    `json:"origin"`
	Note   string    `json:"note,omitempty"`
	SHA256 string    `json:"sha256"`
	Size   int64     `json:"size"`
	When   time.Time `json:"installed_at"`
}

// Installed is the content of installed.json.
type Installed struct {
	Files []Entry `json:"files"`
}

// Lookup returns the entry for name.
func (in Installed) Lookup(name string) (Entry, bool) {
	for _, e := range in.Files {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

func (in *Installed) put(e Entry) {
	for i := range in.Files {
		if in.Files[i].Name == e.Name {
			in.Files[i] = e
			return
		}
	}
	in.Files = append(in.Files, e)
}

// ReadInstalled reads dir's installed.json. A missing record is not an error:
// it returns an empty record.
func ReadInstalled(dir string) (Installed, error) {
	var in Installed
	b, err := os.ReadFile(filepath.Join(dir, InstalledName))
	if errors.Is(err, fs.ErrNotExist) {
		return in, nil
	}
	if err != nil {
		return in, fmt.Errorf("models: %w", err)
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return in, fmt.Errorf("models: %s: %w", InstalledName, err)
	}
	return in, nil
}

func writeInstalled(dir string, in Installed) error {
	b, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, InstalledName), func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// writeAtomic writes a file through a temporary name in the same directory,
// so a crash never leaves a half-written model under its real name.
func writeAtomic(path string, fill func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := fill(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// FileSHA256 returns the hex SHA-256 and size of a file.
func FileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	return hashReader(f)
}

func hashReader(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// Problem is one way an installed model directory differs from its record.
type Problem struct {
	Name string
	Err  error
}

func (p Problem) Error() string { return p.Name + ": " + p.Err.Error() }

func (p Problem) Unwrap() error { return p.Err }

// Verify checks every required file in dir against installed.json, and
// official downloads also against the pinned SHA-256 of the manifest. It
// returns the record and one Problem per bad file; the error is the first
// problem joined with the rest.
func Verify(dir string) (Installed, error) {
	req, err := Required()
	if err != nil {
		return Installed{}, err
	}
	in, err := ReadInstalled(dir)
	if err != nil {
		return in, err
	}
	var probs []error
	for _, f := range req.Files {
		e, ok := in.Lookup(f.Name)
		if !ok {
			probs = append(probs, Problem{f.Name, fmt.Errorf("%w: not in %s", ErrMissing, InstalledName)})
			continue
		}
		sum, _, err := FileSHA256(filepath.Join(dir, f.Name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			probs = append(probs, Problem{f.Name, ErrMissing})
		case err != nil:
			probs = append(probs, Problem{f.Name, err})
		case sum != e.SHA256:
			probs = append(probs, Problem{f.Name, fmt.Errorf("%w: file %s, recorded %s", ErrChecksum, sum, e.SHA256)})
		case e.Source == SourceOfficial && f.SHA256 != "" && sum != f.SHA256:
			probs = append(probs, Problem{f.Name, fmt.Errorf("%w: file %s, pinned %s", ErrChecksum, sum, f.SHA256)})
		}
	}
	return in, errors.Join(probs...)
}
