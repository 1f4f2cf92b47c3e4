package evidence

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/keys"
	"github.com/facetriage/facetriage/internal/testfile"
)

func newKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var when = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// sample is an export like a case's: an original photo, JSON, the audit
// status.
func sample(t testing.TB, key ed25519.PrivateKey) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, key, when)
	photo := bytes.Repeat([]byte{0xff, 0xd8, 0x42}, 5000)
	steps := []error{
		w.Add("originals/3f2a.jpg", photo, "/archive/caesar/215/0007.jpg"),
		w.AddJSON("case.json", map[string]string{"id": "C1", "name": "Ahmad"}),
		w.AddJSON("review/audit.json", []string{"view", "decision"}),
		w.AddAuditStatus(AuditStatusOf(audit.Report{Records: 7, Head: audit.Mark{Seq: 7, Hash: "ab"}}, nil, when)),
		w.Close(map[string]string{"case": "C1", "by": "omar"}),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func check(b []byte, want ed25519.PublicKey) (Report, error) {
	return Verify(bytes.NewReader(b), int64(len(b)), want)
}

func wantRejected(t *testing.T, b []byte, want ed25519.PublicKey, words ...string) Report {
	t.Helper()
	rep, err := check(b, want)
	if err == nil || rep.OK() {
		t.Fatalf("accepted; want a problem saying %q", words)
	}
	all := strings.Join(rep.Problems, "\n")
	for _, w := range words {
		if !strings.Contains(all, w) {
			t.Errorf("no problem says %q:\n%s", w, all)
		}
	}
	return rep
}

func TestAFreshExportVerifies(t *testing.T) {
	key := newKey(t)
	b := sample(t, key)
	rep, err := check(b, keys.Public(key))
	if err != nil {
		t.Fatalf("%v: %v", err, rep.Problems)
	}
	if rep.Checked != 4 || rep.Audit == nil || !rep.Audit.Intact || !rep.Key.Equal(keys.Public(key)) {
		t.Fatalf("report: %+v", rep)
	}
	if rep.Manifest.Files[0].Original != "/archive/caesar/215/0007.jpg" || !strings.Contains(string(rep.Manifest.Meta), `"case": "C1"`) {
		t.Fatalf("manifest: %+v", rep.Manifest)
	}
	if _, err := check(b, nil); err != nil {
		t.Fatalf("without an expected key: %v", err)
	}
}

// member is one member of an export.
type member = testfile.Member

func members(t *testing.T, b []byte) []member {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out []member
	for _, f := range zr.File {
		out = append(out, member{Name: f.Name, Data: mustRead(t, f)})
	}
	return out
}

func mustRead(t *testing.T, f *zip.File) []byte {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(rc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rezip writes members as a zip, as someone repacking an export would.
func rezip(t *testing.T, ms []member) []byte { return testfile.Zip(t, ms...) }

func TestAChangedByteAnywhereIsRejected(t *testing.T) {
	key := newKey(t)
	orig := members(t, sample(t, key))
	if got := rezip(t, orig); func() error { _, err := check(got, keys.Public(key)); return err }() != nil {
		t.Fatal("repacking alone must not break an export")
	}
	for i, m := range orig {
		for _, at := range []int{0, len(m.Data) / 2, len(m.Data) - 2} {
			ms := append([]member(nil), orig...)
			d := bytes.Clone(m.Data)
			d[at] ^= 0x01
			ms[i] = member{Name: m.Name, Data: d}
			word := "was changed"
			switch m.Name {
			case ManifestName:
				word = "" // a broken manifest may not even decode
			case SignatureName:
				word = "MANIFEST.sig"
			}
			rep := wantRejected(t, rezip(t, ms), keys.Public(key), word)
			t.Logf("%s byte %d: %s", m.Name, at, rep.Problems[0])
		}
	}
	// The manifest changed consistently (a member swapped and its hash
	// updated) still fails its signature.
	ms := append([]member(nil), orig...)
	for i, m := range ms {
		if m.Name == ManifestName {
			var man Manifest
			json.Unmarshal(m.Data, &man)
			man.Files[1].Size++
			b, _ := json.MarshalIndent(man, "", "  ")
			ms[i].Data = append(b, '\n')
		}
	}
	wantRejected(t, rezip(t, ms), nil, "does not match MANIFEST.json")
}

func TestAddedRemovedAndRepeatedMembersAreRejected(t *testing.T) {
	key := newKey(t)
	orig := members(t, sample(t, key))
	wantRejected(t, rezip(t, append(orig, member{Name: "extra.txt", Data: []byte("planted")})), nil, `member "extra.txt" is not listed`)
	var without []member
	for _, m := range orig {
		if m.Name != "case.json" {
			without = append(without, m)
		}
	}
	wantRejected(t, rezip(t, without), nil, `member "case.json" is listed but missing`)
	wantRejected(t, rezip(t, append(orig, orig[0])), nil, `member "originals/3f2a.jpg" appears more than once`)
	wantRejected(t, rezip(t, append(orig, member{Name: "CASE.JSON", Data: []byte("{}")})), nil, "collide where case is ignored")
	for _, name := range []string{ManifestName, SignatureName} {
		var ms []member
		for _, m := range orig {
			if m.Name != name {
				ms = append(ms, m)
			}
		}
		wantRejected(t, rezip(t, ms), nil, "no "+name)
	}
}

func TestAnotherKeyIsRejectedWhenAKeyIsExpected(t *testing.T) {
	mine, theirs := newKey(t), newKey(t)
	b := sample(t, theirs)
	if _, err := check(b, nil); err != nil {
		t.Fatalf("a consistent export with no expected key: %v", err)
	}
	wantRejected(t, b, keys.Public(mine), "signed by the key "+keys.Fingerprint(keys.Public(theirs)))
	// The key named in the manifest swapped for mine: the signature fails.
	ms := members(t, b)
	for i, m := range ms {
		if m.Name == ManifestName {
			ms[i].Data = bytes.Replace(m.Data, []byte(keys.Format(keys.Public(theirs))), []byte(keys.Format(keys.Public(mine))), 1)
		}
	}
	wantRejected(t, rezip(t, ms), keys.Public(mine), "does not match MANIFEST.json")
}

// signed is an export built by hand: members and a manifest listing
// entries, signed with key.
func signed(t *testing.T, key ed25519.PrivateKey, ms []member, entries []Entry) []byte {
	t.Helper()
	man := Manifest{Format: FormatV1, Created: when, Key: keys.Format(keys.Public(key)),
		Fingerprint: keys.Fingerprint(keys.Public(key)), Files: entries}
	b, _ := json.Marshal(man)
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(key, b))
	return rezip(t, append(ms, member{Name: ManifestName, Data: b}, member{Name: SignatureName, Data: []byte(sig)}))
}

func TestHostileExports(t *testing.T) {
	key := newKey(t)
	pub := keys.Public(key)

	// A zip bomb: 64 MiB of zeros in about 64 KiB, listed as 100 bytes:
	// Verify reads 101 bytes of it. Unlisted, it is not read at all.
	bombZip := func(entries []Entry) []byte {
		var raw bytes.Buffer
		zw := zip.NewWriter(&raw)
		f, _ := zw.Create("bomb.bin")
		zero := make([]byte, 1<<20)
		for range 64 {
			f.Write(zero)
		}
		man := Manifest{Format: FormatV1, Created: when, Key: keys.Format(pub), Fingerprint: keys.Fingerprint(pub), Files: entries}
		mb, _ := json.Marshal(man)
		for _, m := range []member{{Name: ManifestName, Data: mb}, {Name: SignatureName, Data: []byte(base64.StdEncoding.EncodeToString(ed25519.Sign(key, mb)))}} {
			w, _ := zw.Create(m.Name)
			w.Write(m.Data)
		}
		zw.Close()
		if raw.Len() > 1<<20 {
			t.Fatalf("the bomb is %d bytes compressed", raw.Len())
		}
		return raw.Bytes()
	}
	wantRejected(t, bombZip([]Entry{{Name: "bomb.bin", SHA256: strings.Repeat("0", 64), Size: 100}}), pub, `member "bomb.bin" is larger than the 100 bytes listed`)
	wantRejected(t, bombZip(nil), pub, `member "bomb.bin" is not listed`)

	// Absurd sizes are refused before anything is read.
	wantRejected(t, signed(t, key, nil, []Entry{{Name: "a", SHA256: "00", Size: 1 << 40}}), pub, "absurd size")
	wantRejected(t, signed(t, key, nil, []Entry{{Name: "a", SHA256: "00", Size: -1}}), pub, "absurd size")

	// Names that would escape the folder they are extracted to.
	for _, name := range []string{"../../etc/passwd", "/etc/passwd", `a\..\..\b`, "a/../../b", "C:/x", "a\x00b", "./a", "a//b", "a/"} {
		wantRejected(t, signed(t, key, []member{{Name: name, Data: []byte("x")}}, nil), pub, "unsafe name")
		wantRejected(t, signed(t, key, nil, []Entry{{Name: name, SHA256: "00", Size: 1}}), pub, "unsafe name")
	}
	wantRejected(t, signed(t, key, nil, []Entry{{Name: ManifestName, SHA256: "00", Size: 1}}), pub, "lists itself")
	wantRejected(t, signed(t, key, []member{{Name: "a", Data: []byte("x")}}, []Entry{{Name: "a", Size: 1}, {Name: "a", Size: 1}}), pub, "more than once")

	// Not a zip, an empty file, a manifest too large to read.
	for _, b := range [][]byte{nil, []byte("PK\x03\x04 not really"), bytes.Repeat([]byte("x"), 1000)} {
		if _, err := check(b, pub); !errors.Is(err, ErrNotEvidence) {
			t.Fatalf("Verify(%q...) = %v, want ErrNotEvidence", b[:min(len(b), 8)], err)
		}
	}
	big := rezip(t, []member{{Name: ManifestName, Data: bytes.Repeat([]byte(" "), MaxManifest+1)}})
	if rep, err := check(big, pub); !errors.Is(err, ErrNotEvidence) || !strings.Contains(rep.Problems[0], "larger than") {
		t.Fatalf("an oversized manifest: %v %v", err, rep.Problems)
	}
}

func TestWriterRefusesWhatVerifyWouldReject(t *testing.T) {
	w := NewWriter(&bytes.Buffer{}, newKey(t), when)
	for _, name := range []string{"", "../x", "/x", ManifestName, SignatureName, "a\\b"} {
		if err := w.Add(name, []byte("x"), ""); !errors.Is(err, ErrName) {
			t.Errorf("Add(%q) = %v, want ErrName", name, err)
		}
	}
	if err := w.Add("Case.json", []byte("x"), ""); err != nil {
		t.Fatal(err)
	}
	if err := w.Add("case.JSON", []byte("y"), ""); !errors.Is(err, ErrName) {
		t.Errorf("a name differing only in case = %v, want ErrName", err)
	}
	if err := w.Close(nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Add("late.txt", nil, ""); !errors.Is(err, ErrClosed) {
		t.Fatalf("Add after Close = %v, want ErrClosed", err)
	}
}

func TestAuditStatusSaysWhenTheTrailFailed(t *testing.T) {
	key := newKey(t)
	var buf bytes.Buffer
	w := NewWriter(&buf, key, when)
	rep := audit.Report{Records: 3, Problems: []audit.Problem{{Seq: 0, Reason: "gone: the audit stream FT_AUDIT does not exist: it was deleted"}}}
	if err := w.AddAuditStatus(AuditStatusOf(rep, nil, when)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(nil); err != nil {
		t.Fatal(err)
	}
	got, err := check(buf.Bytes(), keys.Public(key))
	if err != nil {
		t.Fatal(err)
	}
	if got.Audit == nil || got.Audit.Intact || !strings.Contains(got.Audit.Statement, "FAILED") || !strings.Contains(got.Audit.Statement, "it was deleted") {
		t.Fatalf("audit status: %+v", got.Audit)
	}
}

// FuzzVerify: any bytes give a report and no panic, and a report without
// problems comes with a nil error.
func FuzzVerify(f *testing.F) {
	key := newKey(f)
	f.Add(sample(f, key))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := Verify(bytes.NewReader(b), int64(len(b)), keys.Public(key))
		if (err == nil) != rep.OK() {
			t.Fatalf("error %v with problems %v", err, rep.Problems)
		}
	})
}
