package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func newKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignedHeadsRefuseEveryChange(t *testing.T) {
	key, other := newKey(t), newKey(t)
	h := Head{Stream: StreamName, Seq: 42, Hash: "ab12", Created: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC), Signed: time.Now()}
	b := SignHead(h, key)
	got, err := OpenHead(b, publicOf(key))
	if err != nil || got.Seq != 42 || got.Hash != "ab12" || !got.Created.Equal(h.Created) {
		t.Fatalf("OpenHead = %+v, %v", got, err)
	}
	if _, err := OpenHead(b, publicOf(other)); !errors.Is(err, ErrBadHead) {
		t.Fatalf("a head checked against another key = %v, want ErrBadHead", err)
	}
	if _, err := OpenHead(SignHead(h, other), publicOf(key)); !errors.Is(err, ErrBadHead) {
		t.Fatalf("a head signed by another key = %v, want ErrBadHead", err)
	}
	// Every byte of the head itself is covered by the signature.
	start := bytes.Index(b, []byte(`"seq": 42`))
	if start < 0 {
		t.Fatalf("no seq in %s", b)
	}
	for _, at := range []int{start + 7, start + 8} {
		bad := bytes.Clone(b)
		bad[at] = '7'
		if _, err := OpenHead(bad, publicOf(key)); !errors.Is(err, ErrBadHead) {
			t.Fatalf("a head with byte %d changed = %v, want ErrBadHead", at, err)
		}
	}
	for name, bad := range map[string][]byte{
		"empty":          nil,
		"not json":       []byte("seq 42"),
		"extra field":    bytes.Replace(b, []byte(`"key"`), []byte(`"x":1,"key"`), 1),
		"another stream": SignHead(Head{Stream: "FT_OTHER", Seq: 1}, key),
	} {
		if _, err := OpenHead(bad, publicOf(key)); !errors.Is(err, ErrBadHead) {
			t.Errorf("%s: OpenHead = %v, want ErrBadHead", name, err)
		}
	}
	path := filepath.Join(t.TempDir(), HeadFile)
	if err := writeHead(path, h, key); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("head file mode %04o, want 0600", st.Mode().Perm())
	}
	if got, err := ReadHead(path, publicOf(key)); err != nil || got.Seq != 42 {
		t.Fatalf("ReadHead = %+v, %v", got, err)
	}
	if _, err := ReadHead(path+".absent", publicOf(key)); !headMissing(err) {
		t.Fatalf("ReadHead of no file = %v, want fs.ErrNotExist", err)
	}
}
