package imgfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// pngDeclaring returns a syntactically complete PNG whose header declares
// w × h pixels: a decompression bomb if anything believed it.
func pngDeclaring(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func encodeJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var lim = Limits{MaxPixels: 100_000_000, MinSide: 20}

func TestInspectRefusesHostileFiles(t *testing.T) {
	good := encodeJPEG(t, 200, 120)
	goodPNG := encodePNG(t, 64, 64)
	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"empty file", nil, ErrEmpty},
		{"text renamed .jpg", []byte("Detainee list, branch 215\nnot a photo\n"), ErrNotImage},
		{"truncated JPEG", good[:len(good)/2], ErrTruncated},
		{"JPEG cut inside its header", good[:20], ErrTruncated},
		{"JPEG without end marker", good[:len(good)-2], ErrTruncated},
		{"PNG declaring 50000x50000", pngDeclaring(50000, 50000), ErrTooLarge},
		{"1x1 PNG", encodePNG(t, 1, 1), ErrTooSmall},
		{"1x1 JPEG", encodeJPEG(t, 1, 1), ErrTooSmall},
		{"truncated PNG", goodPNG[:len(goodPNG)-10], ErrTruncated},
		{"PNG declaring 0 pixels", pngDeclaring(0, 10), ErrCorrupt},
		{"truncated PGM", []byte("P5\n64 64\n255\n" + string(make([]byte, 100))), ErrTruncated},
		{"PGM with a bad header", []byte("P5\n64 x\n255\n"), ErrTruncated},
		{"WebP shorter than its RIFF size", append([]byte("RIFF\xff\x00\x00\x00WEBPVP8 "), make([]byte, 20)...), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Inspect(tc.data, lim)
			if tc.want == nil {
				if err == nil {
					t.Fatal("accepted")
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestInspectAcceptsCompleteImages(t *testing.T) {
	pgm := append([]byte("P5\n# a comment\n40 30\n255\n"), make([]byte, 40*30)...)
	ppm16 := append([]byte("P6 40 30 65535\n"), make([]byte, 40*30*3*2)...)
	cases := []struct {
		name string
		data []byte
		f    Format
		w, h int
	}{
		{"JPEG", encodeJPEG(t, 200, 120), JPEG, 200, 120},
		{"PNG", encodePNG(t, 64, 48), PNG, 64, 48},
		{"PGM with comment", pgm, PNM, 40, 30},
		{"16-bit PPM", ppm16, PNM, 40, 30},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Inspect(tc.data, lim)
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != tc.f || info.Width != tc.w || info.Height != tc.h {
				t.Fatalf("got %s %d×%d, want %s %d×%d", info.Format, info.Width, info.Height, tc.f, tc.w, tc.h)
			}
		})
	}
}

// A JPEG whose APP1 segment holds a thumbnail (with its own end marker) but
// whose main image is cut must still count as truncated.
func TestJPEGThumbnailEOIDoesNotHideTruncation(t *testing.T) {
	main := encodeJPEG(t, 300, 200)
	thumb := encodeJPEG(t, 16, 16)
	app1 := append([]byte("Exif\x00\x00"), thumb...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	withThumb := append(append(append([]byte{0xFF, 0xD8}, seg...), app1...), main[2:]...)
	if _, err := Inspect(withThumb, lim); err != nil {
		t.Fatalf("complete file refused: %v", err)
	}
	if _, err := Inspect(withThumb[:len(withThumb)-len(main)/2], lim); !errors.Is(err, ErrTruncated) {
		t.Fatalf("truncated file: got %v, want ErrTruncated", err)
	}
}
