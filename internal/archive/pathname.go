package archive

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// A path on disk is bytes: on Linux anything but NUL and '/', and an
// archive's member name may hold anything at all. Old caches name files in
// legacy code pages (Windows-1256 for Arabic), which are not UTF-8. The
// records (protobuf strings, JSON) carry only UTF-8, so every path is
// recorded in a form that is UTF-8, holds no control characters, and maps
// back to the exact bytes:
//
//   - a byte that is not part of valid UTF-8, and each byte of a control
//     character (U+0000–U+001F, U+007F–U+009F), is written \#ooo: a
//     backslash, '#' and three octal digits, as rsync writes them;
//   - a backslash followed by '#' is written \#134, so that the form stays
//     reversible;
//   - everything else is kept: a UTF-8 path without control characters is
//     its own recorded form.
//
// EncodePath makes the recorded form, DecodePath reads it back.

// EncodePath returns the recorded form of a raw path (or member name).
func EncodePath(raw string) string {
	if !needsEncoding(raw) {
		return raw
	}
	var b strings.Builder
	b.Grow(len(raw) + 16)
	for i := 0; i < len(raw); {
		r, n := utf8.DecodeRuneInString(raw[i:])
		switch {
		case r == utf8.RuneError && n == 1, unicode.IsControl(r):
			for k := range n {
				writeEscape(&b, raw[i+k])
			}
		case r == '\\' && strings.HasPrefix(raw[i+1:], "#"):
			writeEscape(&b, '\\')
		default:
			b.WriteString(raw[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEncoding(s string) bool {
	if !utf8.ValidString(s) || strings.Contains(s, `\#`) {
		return true
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

func writeEscape(b *strings.Builder, c byte) {
	b.WriteString(`\#`)
	b.WriteByte('0' + c>>6)
	b.WriteByte('0' + c>>3&7)
	b.WriteByte('0' + c&7)
}

// DecodePath returns the raw bytes of a recorded path. A string that holds
// no escape is returned as it is, so paths recorded before the escaping
// existed read back unchanged.
func DecodePath(rec string) string {
	if !strings.Contains(rec, `\#`) {
		return rec
	}
	var b strings.Builder
	b.Grow(len(rec))
	for i := 0; i < len(rec); {
		if c, ok := escapeAt(rec, i); ok {
			b.WriteByte(c)
			i += 5
			continue
		}
		b.WriteByte(rec[i])
		i++
	}
	return b.String()
}

// escapeAt reads a \#ooo escape at s[i:].
func escapeAt(s string, i int) (byte, bool) {
	if i+5 > len(s) || s[i] != '\\' || s[i+1] != '#' {
		return 0, false
	}
	d0, d1, d2 := s[i+2], s[i+3], s[i+4]
	if d0 < '0' || d0 > '3' || d1 < '0' || d1 > '7' || d2 < '0' || d2 > '7' {
		return 0, false
	}
	return (d0-'0')<<6 | (d1-'0')<<3 | (d2 - '0'), true
}

// Printable makes a recorded string (a path, an error message) safe to
// print on a terminal: besides what EncodePath escapes, it writes as \#ooo
// every character that is not graphic (format characters that reorder or
// hide text, line separators, …), except the joiners and direction marks
// that Arabic and Persian names need (U+200C–U+200F, U+061C). Escapes
// already in s are kept, so the result decodes to the same bytes as s.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !printable(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || !printable(r) {
			for k := range n {
				writeEscape(&b, s[i+k])
			}
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func printable(r rune) bool {
	return unicode.IsGraphic(r) || (r >= 0x200C && r <= 0x200F) || r == 0x061C
}

// NameText is the text of a recorded path that file-name patterns read:
// its raw bytes when they are UTF-8, otherwise the bytes read as
// Windows-1256, the legacy Arabic code page of old caches (every byte
// sequence reads as something in it). The escapes never reach a pattern, so
// their octal digits are not taken for a detainee number.
func NameText(rec string) string {
	raw := DecodePath(rec)
	if utf8.ValidString(raw) {
		return raw
	}
	s, err := charmap.Windows1256.NewDecoder().String(raw)
	if err != nil {
		return strings.ToValidUTF8(raw, "\uFFFD")
	}
	return s
}
