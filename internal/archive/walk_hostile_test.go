package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// outcome is what the walk made of an entry: "photo", "other", or the
// error kind of the reason it was not read.
func walkOutcomes(t *testing.T, paths []string, maxBytes int64) (map[string]string, map[string]Item) {
	t.Helper()
	out, items := map[string]string{}, map[string]Item{}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a FIFO must never block the walk
	defer cancel()
	err := Walk(ctx, paths, maxBytes, func(it Item) error {
		switch {
		case it.Err != nil:
			out[it.Path] = ErrorKind(it.Err)
		case it.Other:
			out[it.Path] = "other"
		default:
			out[it.Path] = "photo"
		}
		items[it.Path] = it
		return nil
	})
	if err != nil {
		t.Fatalf("walk: %v", err)
	}
	return out, items
}

func tarOf(t *testing.T, gz bool, entries ...tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w interface {
		Write([]byte) (int, error)
		Close() error
	} = nopCloser{&buf}
	if gz {
		w = gzip.NewWriter(&buf)
	}
	tw := tar.NewWriter(w)
	for _, h := range entries {
		body := []byte(h.Linkname)
		if h.Typeflag == tar.TypeReg {
			body = []byte(h.Uname) // the body travels in Uname, for brevity
			h.Size = int64(len(body))
		}
		h.Uname = ""
		if h.Typeflag != tar.TypeReg {
			body = nil
		}
		h.Mode = 0o644
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return buf.Bytes()
}

type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }

type zipEntry struct {
	name string
	body []byte
	mode fs.FileMode
}

func zipOf(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func noise(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Every entry of a hostile cache ends as a photo read, a file counted, or
// a recorded reason; links are never followed, a FIFO never blocks, and
// every photo read can be read again by its recorded path.
func TestWalkAccountsForEveryEntry(t *testing.T) {
	dir := t.TempDir()
	photo := []byte("\xff\xd8\xff fake photo bytes")
	at := func(name string) string { return filepath.Join(dir, name) }
	write := func(name string, b []byte) { must(t, os.WriteFile(at(name), b, 0o644)) }
	rec := func(name string) string { return EncodePath(at(name)) }

	write("good.jpg", photo)
	write("\xc3\xcd\xe3\xcf.jpg", []byte("\xff\xd8\xff cp1256 name")) // Windows-1256
	write("esc\x1b]0;owned\x07.jpg", []byte("\xff\xd8\xff escapes in the name"))
	write("notes.txt", []byte("not a photo"))
	must(t, os.Symlink("good.jpg", at("link.jpg")))
	must(t, os.Symlink("/etc", at("etc")))
	must(t, syscall.Mkfifo(at("fifo.jpg"), 0o644))
	device := syscall.Mknod(at("null.jpg"), syscall.S_IFCHR|0o644, 1<<8|3) == nil // root only
	must(t, os.MkdirAll(at("d.zip!x"), 0o755))
	write("d.zip!x/p.jpg", []byte("\xff\xd8\xff in a folder whose name holds the separator"))

	write("links.tar", tarOf(t, false,
		tar.Header{Name: "t/a.jpg", Typeflag: tar.TypeReg, Uname: "\xff\xd8\xff tar member"},
		tar.Header{Name: "t/s.jpg", Typeflag: tar.TypeSymlink, Linkname: "/etc/shadow"},
		tar.Header{Name: "t/h.jpg", Typeflag: tar.TypeLink, Linkname: "t/a.jpg"},
		tar.Header{Name: "t/f.jpg", Typeflag: tar.TypeFifo},
		tar.Header{Name: "t/c.jpg", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3},
		tar.Header{Name: "t/inner.zip", Typeflag: tar.TypeReg, Uname: "PK"},
		tar.Header{Name: "t/readme.txt", Typeflag: tar.TypeReg, Uname: "x"},
		tar.Header{Name: "../../up.jpg", Typeflag: tar.TypeReg, Uname: "\xff\xd8\xff tar dotdot"},
	))
	long := strings.Repeat("l", 40_000) + ".jpg"
	write("hostile.zip", zipOf(t,
		zipEntry{name: "/abs/x.jpg", body: []byte("\xff\xd8\xff absolute")},
		zipEntry{name: "../../up.jpg", body: []byte("\xff\xd8\xff dotdot")},
		zipEntry{name: "n\x00ul.jpg", body: []byte("\xff\xd8\xff nul")},
		zipEntry{name: "ex!cl.jpg", body: []byte("\xff\xd8\xff separator in a member")},
		zipEntry{name: "dup.jpg", body: []byte("\xff\xd8\xff first of two")},
		zipEntry{name: "dup.jpg", body: []byte("\xff\xd8\xff second of two")},
		zipEntry{name: "cp\xc3\xcd.jpg", body: []byte("\xff\xd8\xff legacy member name")},
		zipEntry{name: long, body: photo},
		zipEntry{name: "sym.jpg", body: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777},
		zipEntry{name: "inner.tar", body: []byte("tar")},
	))
	whole := zipOf(t, zipEntry{name: "a.jpg", body: noise(1, 4000)}, zipEntry{name: "b.jpg", body: noise(2, 4000)})
	write("truncated.zip", whole[:len(whole)/2])
	tgz := tarOf(t, true,
		tar.Header{Name: "1.jpg", Typeflag: tar.TypeReg, Uname: string(noise(3, 4000))},
		tar.Header{Name: "2.jpg", Typeflag: tar.TypeReg, Uname: string(noise(4, 4000))})
	write("truncated.tar.gz", tgz[:6000])

	// A folder deeper than PATH_MAX (4096 bytes), made through os.Root.
	root, err := os.OpenRoot(dir)
	must(t, err)
	deepRel := "deep"
	must(t, root.Mkdir(deepRel, 0o755))
	for i := 0; i < 20; i++ {
		r2, err := root.OpenRoot(deepRel)
		must(t, err)
		name := strings.Repeat(string(rune('a'+i)), 240)
		must(t, r2.Mkdir(name, 0o755))
		root.Close()
		root, deepRel = r2, name
	}
	f, err := root.Create("lost.jpg")
	must(t, err)
	f.Write(photo)
	f.Close()
	root.Close()

	got, items := walkOutcomes(t, []string{dir}, 1<<20)

	want := map[string]string{
		rec("good.jpg"):                          "photo",
		rec("\xc3\xcd\xe3\xcf.jpg"):              "photo",
		rec("esc\x1b]0;owned\x07.jpg"):           "photo",
		rec("notes.txt"):                         "other",
		rec("link.jpg"):                          KindSymlink,
		rec("etc"):                               KindSymlink,
		rec("fifo.jpg"):                          KindSpecial,
		rec("d.zip!x/p.jpg"):                     "photo",
		rec("links.tar") + "!t/a.jpg":            "photo",
		rec("links.tar") + "!t/s.jpg":            KindSymlink,
		rec("links.tar") + "!t/h.jpg":            KindHardLink,
		rec("links.tar") + "!t/f.jpg":            KindSpecial,
		rec("links.tar") + "!t/c.jpg":            KindSpecial,
		rec("links.tar") + "!t/inner.zip":        KindNestedArchive,
		rec("links.tar") + "!t/readme.txt":       "other",
		rec("links.tar") + "!../../up.jpg":       "photo",
		rec("hostile.zip") + "!/abs/x.jpg":       "photo",
		rec("hostile.zip") + "!../../up.jpg":     "photo",
		rec("hostile.zip") + `!n\#000ul.jpg`:     "photo",
		rec("hostile.zip") + "!ex!cl.jpg":        "photo",
		rec("hostile.zip") + "!dup.jpg":          "photo", // twice
		rec("hostile.zip") + `!cp\#303\#315.jpg`: "photo",
		rec("hostile.zip") + "!" + long:          KindLongName,
		rec("hostile.zip") + "!sym.jpg":          KindSymlink,
		rec("hostile.zip") + "!inner.tar":        KindNestedArchive,
		rec("truncated.zip"):                     KindBadArchive,
		rec("truncated.tar.gz") + "!1.jpg":       "photo",
		rec("truncated.tar.gz"):                  KindBadArchive,
	}
	if device {
		want[rec("null.jpg")] = KindSpecial
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%.120s: %q, want %q", p, got[p], w)
		}
	}
	var deep []string
	for p, g := range got {
		if _, ok := want[p]; ok {
			continue
		}
		switch {
		case strings.HasPrefix(p, rec("deep")) && g == KindIO:
			deep = append(deep, p)
		case p == rec("truncated.tar.gz")+"!2.jpg" && g == KindBadArchive: // the member cut short
		default:
			t.Errorf("unexpected entry %.120s: %s", p, g)
		}
	}
	if len(deep) != 1 {
		t.Errorf("the folder beyond PATH_MAX: records %d, want one (name too long)", len(deep))
	}
	if !strings.Contains(items[rec("links.tar")+"!t/s.jpg"].Err.Error(), "/etc/shadow") {
		t.Errorf("a link's record does not name its target: %v", items[rec("links.tar")+"!t/s.jpg"].Err)
	}

	// Every photo read is read again by its recorded path, checked by its hash.
	for p, g := range got {
		if g != "photo" {
			continue
		}
		data := items[p].Data
		if _, err := ReadOriginal(p, hashOf(data), 1<<20); err != nil {
			t.Errorf("ReadOriginal(%.120s): %v", p, err)
		}
	}
	// Both members named dup.jpg: each found by its hash.
	for _, body := range []string{"\xff\xd8\xff first of two", "\xff\xd8\xff second of two"} {
		if b, err := ReadOriginal(rec("hostile.zip")+"!dup.jpg", hashOf([]byte(body)), 1<<20); err != nil || string(b) != body {
			t.Errorf("dup.jpg %q: %q, %v", body, b, err)
		}
	}
}

// A folder without read permission is recorded, and the walk goes on.
func TestWalkRecordsAFolderItCannotRead(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every folder")
	}
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "a-closed"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "a-closed", "x.jpg"), []byte("x"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "b.jpg"), []byte("\xff\xd8\xff"), 0o644))
	must(t, os.Chmod(filepath.Join(dir, "a-closed"), 0))
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "a-closed"), 0o755) })
	got, _ := walkOutcomes(t, []string{dir}, 100)
	if got[filepath.Join(dir, "a-closed")] != KindIO || got[filepath.Join(dir, "b.jpg")] != "photo" {
		t.Errorf("outcomes %v: want the closed folder recorded (io) and b.jpg read", got)
	}
}

// Paths named on the command line are followed, even a link or a FIFO
// is looked at without blocking.
func TestWalkFollowsNamedPaths(t *testing.T) {
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "real"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "real", "a.jpg"), []byte("\xff\xd8\xff"), 0o644))
	must(t, os.Symlink("real", filepath.Join(dir, "named")))
	must(t, syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644))
	got, _ := walkOutcomes(t, []string{filepath.Join(dir, "named"), filepath.Join(dir, "fifo")}, 100)
	if got[filepath.Join(dir, "named", "a.jpg")] != "photo" || got[filepath.Join(dir, "fifo")] != KindSpecial || len(got) != 2 {
		t.Errorf("outcomes %v: want the named link followed and the FIFO recorded", got)
	}
}
