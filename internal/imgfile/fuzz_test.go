package imgfile

import "testing"

// FuzzInspect: no input makes Inspect panic, and whatever it accepts has a
// known format and sane dimensions.
func FuzzInspect(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("P5 2 2 255 abcd"))
	f.Add(pngDeclaring(50000, 50000))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', '*', 0, 8, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Inspect(data, Limits{MaxPixels: 1 << 24, MinSide: 1})
		if err != nil {
			return
		}
		if info.Format == "" || info.Width <= 0 || info.Height <= 0 || int64(info.Width)*int64(info.Height) > 1<<24 {
			t.Fatalf("accepted %+v", info)
		}
	})
}
