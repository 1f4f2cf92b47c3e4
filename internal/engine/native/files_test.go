//go:build cgo

package native

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/testenv"
)

func tzuyu(t *testing.T) []byte {
	t.Helper()
	return readFile(t, filepath.Join(testenv.GoFaceImages(t), "tzuyu.jpg"))
}

// bombPNG is a complete PNG whose header declares 50,000 × 50,000 pixels.
func bombPNG() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 50000)
	binary.BigEndian.PutUint32(ihdr[4:], 50000)
	ihdr[8], ihdr[9] = 8, 2
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func onePixelPNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestHostileFiles feeds the real decoder and engine files meant to break
// them; each must get its documented error, and the process must survive.
func TestHostileFiles(t *testing.T) {
	e := testEngine(t)
	good := tzuyu(t)
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty file", []byte{}, imgfile.ErrEmpty},
		{"truncated JPEG", good[:len(good)*2/3], imgfile.ErrTruncated},
		{"text renamed .jpg", []byte("this is a list of names, not a photo\n"), imgfile.ErrNotImage},
		{"PNG declaring 50000x50000", bombPNG(), imgfile.ErrTooLarge},
		{"1x1 image", onePixelPNG(t), imgfile.ErrTooSmall},
		{"JPEG with garbage after the header", append(append([]byte{}, good[:600]...), append(bytes.Repeat([]byte{0x55}, 5000), 0xFF, 0xD9)...), imgfile.ErrCorrupt},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Embed(context.Background(), tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	// The engine still works afterwards.
	if r := embed(t, e.Engine, good); len(r.Faces) != 1 {
		t.Fatalf("after hostile files: %d faces in tzuyu.jpg, want 1", len(r.Faces))
	}
}

// TestFormats decodes the same photo stored in every supported format and
// expects the same face.
func TestFormats(t *testing.T) {
	e := testEngine(t)
	data := tzuyu(t)
	ref := embed(t, e.Engine, data)
	if len(ref.Faces) != 1 {
		t.Fatalf("%d faces in the JPEG, want 1", len(ref.Faces))
	}
	src, err := gocv.IMDecode(data, gocv.IMReadColor)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(src, &grey, gocv.ColorBGRToGray)
	cases := []struct {
		ext     string
		m       gocv.Mat
		maxDist float64
	}{
		{".png", src, 0.05},
		{".tiff", src, 0.05},
		{".bmp", src, 0.05},
		{".webp", src, 0.1},
		{".ppm", src, 0.05},
		{".pgm", grey, 0.25}, // grey loses colour, and the descriptor moves
	}
	for _, tc := range cases {
		t.Run(tc.ext, func(t *testing.T) {
			buf, err := gocv.IMEncode(gocv.FileExt(tc.ext), tc.m)
			if err != nil {
				t.Fatal(err)
			}
			b := append([]byte(nil), buf.GetBytes()...)
			buf.Close()
			r, err := e.Embed(context.Background(), b)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Faces) != 1 {
				t.Fatalf("%d faces, want 1", len(r.Faces))
			}
			if d := r.Faces[0].Descriptor.Distance(ref.Faces[0].Descriptor); d > tc.maxDist {
				t.Errorf("descriptor %.3f from the JPEG's, want ≤ %.2f", d, tc.maxDist)
			}
			if r.Faces[0].Box != ref.Faces[0].Box {
				t.Errorf("box %v, JPEG's %v", r.Faces[0].Box, ref.Faces[0].Box)
			}
		})
	}
}
