package cli

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/evidence"
	"github.com/facetriage/facetriage/internal/keys"
)

// keys show prints the installation's public key; export verify checks an
// export signed with it offline: accepted as made, rejected with a changed
// byte or against another installation's key.
func TestKeysShowAndExportVerify(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := run(t, "--data", dir, "keys", "show")
	if code != ExitOK {
		t.Fatalf("keys show: exit %d: %s", code, stderr)
	}
	pubLine, rest, _ := strings.Cut(out, "\n")
	key, err := keys.Lookup(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if pubLine != keys.Format(keys.Public(key)) || !strings.Contains(rest, keys.Fingerprint(keys.Public(key))) {
		t.Fatalf("keys show printed %q, want the key %s", out, keys.Format(keys.Public(key)))
	}
	pubFile := filepath.Join(t.TempDir(), "pub.txt")
	os.WriteFile(pubFile, []byte(out), 0o644)

	var buf bytes.Buffer
	w := evidence.NewWriter(&buf, key, time.Now())
	w.Add("originals/a.jpg", bytes.Repeat([]byte("jpeg"), 1000), "/archive/a.jpg")
	w.AddJSON("case.json", map[string]string{"id": "C1"})
	if err := w.Close(map[string]string{"case": "C1"}); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(t.TempDir(), "export.zip")
	os.WriteFile(export, buf.Bytes(), 0o600)
	elsewhere := t.TempDir() // no data directory is needed
	for _, k := range []string{pubLine, pubFile} {
		code, out, stderr = run(t, "--data", elsewhere, "export", "verify", export, "--key", k)
		if code != ExitOK || !strings.Contains(out, "signed by the expected key") {
			t.Fatalf("export verify --key %s: exit %d:\n%s%s", k, code, out, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(elsewhere, "secrets")); err == nil {
		t.Fatal("export verify made a key")
	}

	// A changed byte in a member, repacked.
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	var out2 bytes.Buffer
	zw := zip.NewWriter(&out2)
	for _, f := range zr.File {
		rc, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		data := b.Bytes()
		if f.Name == "originals/a.jpg" {
			data[100] ^= 1
		}
		fw, _ := zw.Create(f.Name)
		fw.Write(data)
	}
	zw.Close()
	tampered := filepath.Join(t.TempDir(), "tampered.zip")
	os.WriteFile(tampered, out2.Bytes(), 0o600)
	code, out, stderr = run(t, "export", "verify", tampered, "--key", pubLine)
	if code != ExitError || !strings.Contains(out, `member "originals/a.jpg" was changed`) {
		t.Fatalf("a tampered export: exit %d:\n%s%s", code, out, stderr)
	}

	other, _ := keys.LoadOrCreate(filepath.Join(t.TempDir(), "other.key"))
	code, out, _ = run(t, "export", "verify", export, "--key", keys.Format(keys.Public(other)))
	if code != ExitError || !strings.Contains(out, "not by the expected key") {
		t.Fatalf("another installation's key: exit %d:\n%s", code, out)
	}
	if code, _, _ := run(t, "export", "verify", export, "--key", "ed25519:nonsense"); code != ExitUsage {
		t.Fatalf("a bad --key: exit %d", code)
	}
}
