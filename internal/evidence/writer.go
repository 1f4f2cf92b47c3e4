package evidence

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/facetriage/facetriage/internal/keys"
)

// Writer writes a signed evidence export. Add the members, then Close with
// what the export is of; nothing is signed until Close. A Writer is not
// safe for concurrent use. After an error the export is unusable, and
// every later call returns that error.
type Writer struct {
	zw    *zip.Writer
	key   ed25519.PrivateKey
	now   time.Time
	files []Entry
	names map[string]string // folded name → name
	total int64
	err   error
}

// NewWriter starts an export to out, signed with key, dated now.
func NewWriter(out io.Writer, key ed25519.PrivateKey, now time.Time) *Writer {
	return &Writer{zw: zip.NewWriter(out), key: key, now: now.UTC(), names: map[string]string{}}
}

// Add adds a member. original is where an original photo was read from
// ("" for anything else).
func (w *Writer) Add(name string, data []byte, original string) error {
	return w.AddFrom(name, bytes.NewReader(data), original)
}

// AddJSON adds v as indented JSON.
func (w *Writer) AddJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return w.fail(fmt.Errorf("evidence: %s: %w", name, err))
	}
	return w.Add(name, append(b, '\n'), "")
}

// AddFrom adds a member read from r, hashing it as it is written.
func (w *Writer) AddFrom(name string, r io.Reader, original string) error {
	if w.err != nil {
		return w.err
	}
	if why := checkName(name); why != "" {
		return fmt.Errorf("%w: %q: %s", ErrName, name, why)
	}
	if name == ManifestName || name == SignatureName {
		return fmt.Errorf("%w: %q is written by Close", ErrName, name)
	}
	if prev, ok := w.names[fold(name)]; ok {
		return fmt.Errorf("%w: %q is already in the export as %q", ErrName, name, prev)
	}
	f, err := w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: w.now})
	if err != nil {
		return w.fail(fmt.Errorf("evidence: %s: %w", name, err))
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, MaxMember+1))
	switch {
	case err != nil:
		return w.fail(fmt.Errorf("evidence: %s: %w", name, err))
	case n > MaxMember:
		return w.fail(fmt.Errorf("%w: %s is larger than %d bytes", ErrTooLarge, name, int64(MaxMember)))
	case w.total+n > MaxTotal:
		return w.fail(fmt.Errorf("%w: the export is larger than %d bytes", ErrTooLarge, int64(MaxTotal)))
	}
	w.total += n
	w.names[fold(name)] = name
	w.files = append(w.files, Entry{Name: name, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n, Original: original})
	return nil
}

// AddAuditStatus adds AUDIT-STATUS.json: whether the audit trail verified
// when the export was made.
func (w *Writer) AddAuditStatus(s AuditStatus) error { return w.AddJSON(AuditStatusName, s) }

// Close writes the manifest with meta (what the export is of: the case,
// who exported it), signs it, and finishes the zip. It does not close the
// underlying writer.
func (w *Writer) Close(meta any) error {
	if w.err != nil {
		return w.err
	}
	m := Manifest{Format: FormatV1, Created: w.now, Key: keys.Format(keys.Public(w.key)),
		Fingerprint: keys.Fingerprint(keys.Public(w.key)), Files: w.files}
	if m.Files == nil {
		m.Files = []Entry{}
	}
	if meta != nil {
		b, err := json.Marshal(meta)
		if err != nil {
			return w.fail(fmt.Errorf("evidence: meta: %w", err))
		}
		m.Meta = b
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return w.fail(fmt.Errorf("evidence: manifest: %w", err))
	}
	b = append(b, '\n')
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(w.key, b)) + "\n"
	for _, member := range []struct {
		name string
		data []byte
	}{{ManifestName, b}, {SignatureName, []byte(sig)}} {
		f, err := w.zw.CreateHeader(&zip.FileHeader{Name: member.name, Method: zip.Deflate, Modified: w.now})
		if err == nil {
			_, err = f.Write(member.data)
		}
		if err != nil {
			return w.fail(fmt.Errorf("evidence: %s: %w", member.name, err))
		}
	}
	if err := w.zw.Close(); err != nil {
		return w.fail(fmt.Errorf("evidence: %w", err))
	}
	w.err = ErrClosed
	return nil
}

func (w *Writer) fail(err error) error {
	w.err = errors.Join(ErrClosed, err)
	return err
}
