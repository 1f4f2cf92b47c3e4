// Package testfile makes files for tests: zip archives member by member
// (duplicate and hostile names included) and JPEGs with an EXIF
// orientation. Standard library only, so any package's tests can use it.
package testfile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// Member is one file of a zip archive.
type Member struct {
	Name string
	Data []byte
}

// Zip writes the members, in order and deflated, as a zip archive. A name
// ending in "/" is a directory, and its data is dropped.
func Zip(t testing.TB, members ...Member) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, m := range members {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: m.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(m.Name, "/") {
			continue // a directory: zip holds no data for it
		}
		if _, err := f.Write(m.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// WithOrientation inserts an EXIF APP1 segment holding only an orientation
// tag right after the JPEG's start marker.
func WithOrientation(jpeg []byte, orientation uint16) []byte {
	tiff := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, // little-endian header, IFD0 at 8
		1, 0, // one entry
		0x12, 0x01, 3, 0, 1, 0, 0, 0, 0, 0, 0, 0, // 0x0112 Orientation, SHORT, count 1
		0, 0, 0, 0} // no next IFD
	binary.LittleEndian.PutUint16(tiff[18:], orientation)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpeg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpeg[2:]...)
}
