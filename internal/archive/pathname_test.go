package archive

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRecordedPaths(t *testing.T) {
	for _, c := range []struct{ raw, rec string }{
		{"/cache/215_4321.jpg", "/cache/215_4321.jpg"},
		{"/cache/صورة.jpg", "/cache/صورة.jpg"},
		{"/cache/\xc3\xcd\xe3\xcf.jpg", `/cache/\#303\#315\#343\#317.jpg`}, // Windows-1256
		{"a\x1b[31mred\x07.jpg", `a\#033[31mred\#007.jpg`},
		{"nul\x00.jpg", `nul\#000.jpg`},
		{"c1\u009b.jpg", `c1\#302\#233.jpg`},
		{`back\slash.jpg`, `back\slash.jpg`},
		{`\#303 literal.jpg`, `\#134#303 literal.jpg`},
		{`trail\`, `trail\`},
		{"\xed\xa0\x80", `\#355\#240\#200`}, // a surrogate: not UTF-8 for protobuf
		{"\uFFFD.jpg", "\uFFFD.jpg"},
	} {
		if got := EncodePath(c.raw); got != c.rec {
			t.Errorf("EncodePath(%q) = %q, want %q", c.raw, got, c.rec)
		}
		if got := DecodePath(c.rec); got != c.raw {
			t.Errorf("DecodePath(%q) = %q, want %q", c.rec, got, c.raw)
		}
	}
	// Strings that no encoding makes read back as they are.
	for _, s := range []string{`\#9`, `\#999`, `\#`, `a\#12`} {
		if got := DecodePath(s); got != s {
			t.Errorf("DecodePath(%q) = %q, want it unchanged", s, got)
		}
	}
}

func FuzzRecordedPaths(f *testing.F) {
	for _, s := range []string{"", "a.jpg", "\xc3\xcd", `\#134`, "\x00\x1b", `\\##`, "\u202e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		rec := EncodePath(raw)
		if !utf8.ValidString(rec) {
			t.Fatalf("EncodePath(%q) = %q: not UTF-8", raw, rec)
		}
		for _, r := range rec {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
				t.Fatalf("EncodePath(%q) = %q holds a control character", raw, rec)
			}
		}
		if back := DecodePath(rec); back != raw {
			t.Fatalf("DecodePath(EncodePath(%q)) = %q", raw, back)
		}
		p := Printable(rec)
		if back := DecodePath(p); back != raw {
			t.Fatalf("DecodePath(Printable(%q)) = %q, want %q", rec, back, raw)
		}
	})
}

func TestPrintable(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain.jpg", "plain.jpg"},
		{"أحمد\u200c.jpg", "أحمد\u200c.jpg"}, // a joiner Persian and Arabic names need
		{"gpj\u202e.exe", `gpj\#342\#200\#256.exe`},
		{"tab\there", `tab\#011here`},
		{"raw\xc3", `raw\#303`},
		{`kept \#303`, `kept \#303`},
		{"line\u2028sep", `line\#342\#200\#250sep`},
	} {
		if got := Printable(c.in); got != c.want {
			t.Errorf("Printable(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNameText(t *testing.T) {
	if got := NameText(EncodePath("215_\xc3\xcd\xe3\xcf.jpg")); got != "215_أحمد.jpg" {
		t.Errorf("a Windows-1256 name reads %q", got)
	}
	if got := NameText(`\#134#303 x.jpg`); got != `\#303 x.jpg` {
		t.Errorf("a UTF-8 name reads %q", got)
	}
	if got := NameText(EncodePath("a\x00b")); strings.Contains(got, `\#`) {
		t.Errorf("escapes reach the patterns: %q", got)
	}
}
