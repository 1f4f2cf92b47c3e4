package imgfile

import (
	"fmt"
	"io"
	"os"
)

// MaxFileBytes bounds the size of a photo file read into memory.
const MaxFileBytes = 512 << 20

// ReadFile reads a photo file, refusing one over MaxFileBytes with
// ErrTooLarge. It opens the file read-only: originals are never modified.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	if st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%w: file is %d bytes, limit %d", ErrTooLarge, st.Size(), MaxFileBytes)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("%w: file grew past %d bytes", ErrTooLarge, MaxFileBytes)
	}
	return b, nil
}
