package keys

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Where the key lives in a data directory.
const (
	// SecretsDir is the data directory's folder of secrets (mode 0700),
	// shared with the NATS credentials.
	SecretsDir = "secrets"
	// FileName is the signing key's file in SecretsDir.
	FileName = "signing.key"

	pemType      = "PRIVATE KEY"
	publicPrefix = "ed25519:"
)

// DefaultPath is the signing key's file in the data directory dataDir.
func DefaultPath(dataDir string) string { return filepath.Join(dataDir, SecretsDir, FileName) }

// Open returns the installation's key: the one in file when file is set
// (it must exist), and otherwise the data directory's own, made on first
// use.
func Open(dataDir, file string) (ed25519.PrivateKey, error) {
	if file != "" {
		return Load(file)
	}
	return LoadOrCreate(DefaultPath(dataDir))
}

// Lookup is Open without making a key: for commands that only check
// signatures.
func Lookup(dataDir, file string) (ed25519.PrivateKey, error) {
	if file == "" {
		file = DefaultPath(dataDir)
	}
	return Load(file)
}

// Load reads a private key file. It refuses a file that other accounts may
// read or write.
func Load(path string) (ed25519.PrivateKey, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s does not exist", ErrNoKey, path)
	}
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o; run chmod 600 on it", ErrExposed, path, st.Mode().Perm())
	}
	b, err := io.ReadAll(io.LimitReader(f, 64<<10)) // a PEM Ed25519 key is about 120 bytes
	if err != nil {
		return nil, fmt.Errorf("keys: read %s: %w", path, err)
	}
	k, err := decodePrivate(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// LoadOrCreate reads the key at path, or makes one there (its directory
// with mode 0700, the file with mode 0600). Processes that start together
// end up with the same key: the file appears whole, and only once.
func LoadOrCreate(path string) (ed25519.PrivateKey, error) {
	k, err := Load(path)
	if !errors.Is(err, ErrNoKey) {
		return k, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("keys: generate: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("keys: encode: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = errors.Join(pem.Encode(tmp, &pem.Block{Type: pemType, Bytes: der}), tmp.Sync(), tmp.Close())
	if err != nil {
		return nil, fmt.Errorf("keys: write %s: %w", tmp.Name(), err)
	}
	// A link fails if another process made the key first: then use its.
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return Load(path)
}

func decodePrivate(b []byte) (ed25519.PrivateKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != pemType {
		return nil, fmt.Errorf("%w: no %q PEM block", ErrBadKey, pemType)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w: a %T", ErrBadKey, k)
	}
	return ek, nil
}

// Public is the public half of a private key.
func Public(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

// Format writes a public key as "ed25519:BASE64".
func Format(pub ed25519.PublicKey) string {
	return publicPrefix + base64.StdEncoding.EncodeToString(pub)
}

// FormatPEM writes a public key as a PKIX "PUBLIC KEY" PEM block, as
// openssl reads it.
func FormatPEM(pub ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic("keys: an Ed25519 public key cannot fail to encode: " + err.Error())
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// Parse reads a public key written by Format, or a PKIX "PUBLIC KEY" PEM
// block (as `openssl pkey -pubout` writes).
func Parse(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	if blk, _ := pem.Decode([]byte(s)); blk != nil {
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
		}
		ek, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%w: a %T", ErrBadKey, k)
		}
		return ek, nil
	}
	rest, ok := strings.CutPrefix(s, publicPrefix)
	if !ok {
		return nil, fmt.Errorf("%w: a public key starts with %q", ErrBadKey, publicPrefix)
	}
	b, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: %q is not %d bytes in base64", ErrBadKey, rest, ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// Fingerprint is a short digest of a public key, for people to compare:
// the first 12 bytes of its SHA-256 as six groups of four hex digits.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	h := hex.EncodeToString(sum[:12])
	var groups []string
	for i := 0; i < len(h); i += 4 {
		groups = append(groups, h[i:i+4])
	}
	return strings.Join(groups, "-")
}
