package keys

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestLoadOrCreateMakesOneKeyWithTightModes(t *testing.T) {
	data := t.TempDir()
	path := DefaultPath(data)
	// Processes starting together must agree on one key.
	const n = 8
	got := make([]ed25519.PrivateKey, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); got[i], errs[i] = Open(data, "") }()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !got[i].Equal(got[0]) {
			t.Fatal("two different keys were made for one data directory")
		}
	}
	for p, want := range map[string]os.FileMode{filepath.Dir(path): 0o700, path: 0o600} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s has mode %04o, want %04o", p, st.Mode().Perm(), want)
		}
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	again, err := Open(data, "")
	if err != nil || !again.Equal(got[0]) {
		t.Fatalf("reopening gave another key (%v)", err)
	}
}

func TestLoadRefusesMissingExposedAndForeignKeys(t *testing.T) {
	dir := t.TempDir()
	if _, err := Lookup(dir, ""); !errors.Is(err, ErrNoKey) {
		t.Fatalf("Lookup on an empty directory = %v, want ErrNoKey", err)
	}
	if _, err := os.Stat(DefaultPath(dir)); err == nil {
		t.Fatal("Lookup made a key")
	}
	k, err := LoadOrCreate(filepath.Join(dir, "k"))
	if err != nil {
		t.Fatal(err)
	}
	shared := filepath.Join(dir, "shared.key")
	b, _ := os.ReadFile(filepath.Join(dir, "k"))
	if err := os.WriteFile(shared, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, shared); !errors.Is(err, ErrExposed) {
		t.Fatalf("a world-readable key = %v, want ErrExposed", err)
	}
	os.Chmod(shared, 0o400)
	if got, err := Open(dir, shared); err != nil || !got.Equal(k) {
		t.Fatalf("a shared key file: %v", err)
	}
	if _, err := Open(dir, filepath.Join(dir, "absent")); !errors.Is(err, ErrNoKey) {
		t.Fatalf("a named key that does not exist = %v, want ErrNoKey (it must not be made)", err)
	}
	der, _ := x509.MarshalPKIXPublicKey(Public(k))
	notPrivate := filepath.Join(dir, "pub.pem")
	os.WriteFile(notPrivate, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600)
	if _, err := Load(notPrivate); !errors.Is(err, ErrBadKey) {
		t.Fatalf("a public key as the signing key = %v, want ErrBadKey", err)
	}
}

func TestFormatParseFingerprint(t *testing.T) {
	k, err := LoadOrCreate(filepath.Join(t.TempDir(), "k"))
	if err != nil {
		t.Fatal(err)
	}
	pub := Public(k)
	got, err := Parse(Format(pub) + "\n")
	if err != nil || !got.Equal(pub) {
		t.Fatalf("Parse(Format) = %v, %v", got, err)
	}
	got, err = Parse(FormatPEM(pub))
	if err != nil || !got.Equal(pub) {
		t.Fatalf("Parse(PEM) = %v, %v", got, err)
	}
	for _, bad := range []string{"", "ed25519:", "ed25519:AAAA", "rsa:AAAA", Format(pub)[8:]} {
		if _, err := Parse(bad); !errors.Is(err, ErrBadKey) {
			t.Errorf("Parse(%q) = %v, want ErrBadKey", bad, err)
		}
	}
	fp := Fingerprint(pub)
	if len(fp) != 29 || fp != Fingerprint(got) {
		t.Fatalf("fingerprint %q", fp)
	}
}
