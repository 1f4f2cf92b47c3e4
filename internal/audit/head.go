package audit

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/facetriage/facetriage/internal/keys"
)

// Files of the data directory.
const (
	// HeadFile is the signed head witness.
	HeadFile = "audit-head.json"
	// ArchiveDir receives what remains of a trail that Restart replaced.
	ArchiveDir = "audit-archive"
)

// headDomain prefixes the bytes a head's signature covers, so that the
// installation key's signature over a head can never pass for one over
// anything else it signs.
const headDomain = "facetriage audit head v1\n"

// Head is where the trail stood: its last record, and when the stream
// holding it was created (a stream deleted and made again has a new time).
// Signed by the installation key, it is a witness kept outside NATS: in
// the data directory (HeadFile), and wherever an operator keeps a copy of
// `facetriage audit head`.
type Head struct {
	Stream  string    `json:"stream"`
	Seq     uint64    `json:"seq"`
	Hash    string    `json:"hash"`
	Created time.Time `json:"stream_created"`
	Signed  time.Time `json:"signed"`
}

// Mark is the head's place in the chain.
func (h Head) Mark() Mark { return Mark{Seq: h.Seq, Hash: h.Hash} }

// signedHead is a head as stored: the head, the key and the signature
// over headDomain and the head's compact JSON encoding.
type signedHead struct {
	Head json.RawMessage `json:"head"`
	Key  string          `json:"key"`
	Sig  string          `json:"sig"`
}

// maxHeadFile bounds a head file read (one is about 400 bytes).
const maxHeadFile = 64 << 10

// SignHead encodes h signed with key.
func SignHead(h Head, key ed25519.PrivateKey) []byte {
	h.Created, h.Signed = h.Created.UTC(), h.Signed.UTC()
	raw, err := json.Marshal(h)
	if err != nil {
		panic("audit: a head cannot fail to encode: " + err.Error())
	}
	sig := ed25519.Sign(key, append([]byte(headDomain), raw...))
	out, _ := json.MarshalIndent(signedHead{Head: raw, Key: keys.Format(keys.Public(key)),
		Sig: base64.StdEncoding.EncodeToString(sig)}, "", "  ")
	return append(out, '\n')
}

// OpenHead checks a signed head against want, the installation's public
// key, and returns it. It fails with ErrBadHead when the bytes are not a
// signed head, the signature does not hold, or another key made it.
func OpenHead(b []byte, want ed25519.PublicKey) (Head, error) {
	var sh signedHead
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sh); err != nil {
		return Head{}, fmt.Errorf("%w: not a signed head: %v", ErrBadHead, err)
	}
	key, err := keys.Parse(sh.Key)
	if err != nil {
		return Head{}, fmt.Errorf("%w: %v", ErrBadHead, err)
	}
	if !key.Equal(want) {
		return Head{}, fmt.Errorf("%w: signed by the key %s, not by this installation's %s",
			ErrBadHead, keys.Fingerprint(key), keys.Fingerprint(want))
	}
	// The signature covers the head's compact encoding: indentation may
	// change, nothing else.
	var raw bytes.Buffer
	if err := json.Compact(&raw, sh.Head); err != nil {
		return Head{}, fmt.Errorf("%w: %v", ErrBadHead, err)
	}
	sig, err := base64.StdEncoding.DecodeString(sh.Sig)
	if err != nil || !ed25519.Verify(key, append([]byte(headDomain), raw.Bytes()...), sig) {
		return Head{}, fmt.Errorf("%w: the signature does not match the head (altered)", ErrBadHead)
	}
	var h Head
	if err := json.Unmarshal(sh.Head, &h); err != nil {
		return Head{}, fmt.Errorf("%w: %v", ErrBadHead, err)
	}
	if h.Stream != StreamName {
		return Head{}, fmt.Errorf("%w: the head of %q, not of %s", ErrBadHead, h.Stream, StreamName)
	}
	return h, nil
}

// ReadHead reads and checks a signed head file; fs.ErrNotExist (wrapped)
// when there is none.
func ReadHead(path string, want ed25519.PublicKey) (Head, error) {
	f, err := os.Open(path)
	if err != nil {
		return Head{}, fmt.Errorf("audit: head: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxHeadFile+1))
	if err != nil {
		return Head{}, fmt.Errorf("audit: head %s: %w", path, err)
	}
	if len(b) > maxHeadFile {
		return Head{}, fmt.Errorf("%w: %s is larger than %d bytes", ErrBadHead, path, maxHeadFile)
	}
	h, err := OpenHead(b, want)
	if err != nil {
		return Head{}, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// writeHead replaces the head file at path with h signed by key: mode
// 0600, written whole and synced before it takes the old one's place.
func writeHead(path string, h Head, key ed25519.PrivateKey) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(SignHead(h, key))
	if err = errors.Join(err, tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // the rename itself; best effort where unsupported
		d.Close()
	}
	return nil
}

// lockHead serialises the processes that write one head file (a serve and
// the commands attached to it).
func lockHead(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: head lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("audit: head lock: %w", err)
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// headMissing reports an error from ReadHead that only says there is no
// file.
func headMissing(err error) bool { return errors.Is(err, fs.ErrNotExist) }
