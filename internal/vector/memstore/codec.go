package memstore

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

// A journal file is a header (empty for the plain format) and records, each
// a little-endian uint32 length and a payload. The codec turns a point's
// encoded body into a record and back, and says when a payload is not what
// it wrote.
type codec interface {
	// fresh starts a new file: the header to write first, and the codec for
	// that file's records.
	fresh() (header []byte, c codec, err error)
	// resume reads an existing file's header and returns the codec for its
	// records and the header's length.
	resume(r io.Reader) (c codec, n int64, err error)
	// seal makes record i, length included, from body.
	seal(i uint64, body []byte) []byte
	// payloadLen is the number of bytes after a record's length field.
	payloadLen(length uint32) int64
	// open returns the body of record i, or an error when the payload is not
	// what seal made (damaged, or not from this file).
	open(i uint64, payload []byte) ([]byte, error)
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// plain is the unencrypted format, the journal's first: the length is the
// body's, and the payload is the CRC-32C of the body, then the body. It
// detects accidental damage, not deliberate change.
type plain struct{}

func (plain) fresh() ([]byte, codec, error)          { return nil, plain{}, nil }
func (plain) resume(io.Reader) (codec, int64, error) { return plain{}, 0, nil }
func (plain) payloadLen(n uint32) int64              { return int64(n) + 4 }

func (plain) seal(_ uint64, body []byte) []byte {
	b := make([]byte, 0, 8+len(body))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(body)))
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(body, crcTable))
	return append(b, body...)
}

func (plain) open(_ uint64, payload []byte) ([]byte, error) {
	if len(payload) < 4 || crc32.Checksum(payload[4:], crcTable) != binary.LittleEndian.Uint32(payload) {
		return nil, errors.New("checksum mismatch")
	}
	return payload[4:], nil
}

// The sealed format encrypts each record with XChaCha20-Poly1305 under a
// 32-byte key. Its header is
//
//	magic (8 bytes) | file id (16 random bytes) | key check (nonce + tag of an empty message)
//
// and each record's length is its payload's, the payload being a random
// 24-byte nonce and the sealed body, with the
// file id and the record's position as additional data: a record that was
// altered, moved to another position or copied from another journal fails
// to open, as does every record under a wrong key (which the key check
// reports first, as ErrWrongKey).
type sealed struct {
	aead interface {
		Seal(dst, nonce, plaintext, ad []byte) []byte
		Open(dst, nonce, ciphertext, ad []byte) ([]byte, error)
		NonceSize() int
		Overhead() int
	}
	id [16]byte
}

const sealedMagic = "FTIDXS01"

// sealedHeaderLen is the length of a sealed journal's header.
const sealedHeaderLen = len(sealedMagic) + 16 + chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead

func newSealed(key []byte) (*sealed, error) {
	if len(key) != chacha20poly1305.KeySize {
		return nil, fmt.Errorf("%w: the key has %d bytes, want %d", ErrBadKey, len(key), chacha20poly1305.KeySize)
	}
	a, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	return &sealed{aead: a}, nil
}

// keyCheckAD binds the key check to the file.
func (s *sealed) keyCheckAD() []byte { return append([]byte(sealedMagic+"key check"), s.id[:]...) }

func (s *sealed) fresh() ([]byte, codec, error) {
	c := &sealed{aead: s.aead}
	if _, err := rand.Read(c.id[:]); err != nil {
		return nil, nil, err
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	h := append([]byte(sealedMagic), c.id[:]...)
	h = append(h, nonce...)
	h = c.aead.Seal(h, nonce, nil, c.keyCheckAD())
	return h, c, nil
}

func (s *sealed) resume(r io.Reader) (codec, int64, error) {
	h := make([]byte, sealedHeaderLen)
	if _, err := io.ReadFull(r, h); err != nil {
		return nil, 0, fmt.Errorf("%w: header cut short", ErrCorrupt)
	}
	if string(h[:len(sealedMagic)]) != sealedMagic {
		return nil, 0, fmt.Errorf("%w: not a sealed index journal", ErrCorrupt)
	}
	c := &sealed{aead: s.aead}
	copy(c.id[:], h[len(sealedMagic):])
	rest := h[len(sealedMagic)+16:]
	nonce, tag := rest[:chacha20poly1305.NonceSizeX], rest[chacha20poly1305.NonceSizeX:]
	if _, err := c.aead.Open(nil, nonce, tag, c.keyCheckAD()); err != nil {
		return nil, 0, ErrWrongKey
	}
	return c, int64(sealedHeaderLen), nil
}

func (s *sealed) ad(i uint64) []byte {
	return binary.LittleEndian.AppendUint64(append([]byte(nil), s.id[:]...), i)
}

func (s *sealed) payloadLen(n uint32) int64 { return int64(n) }

func (s *sealed) seal(i uint64, body []byte) []byte {
	n := chacha20poly1305.NonceSizeX
	rec := make([]byte, 4+n, 4+n+len(body)+s.aead.Overhead())
	// crypto/rand.Read never fails (it panics first, since Go 1.24).
	_, _ = rand.Read(rec[4:])
	rec = s.aead.Seal(rec, rec[4:4+n], body, s.ad(i))
	binary.LittleEndian.PutUint32(rec, uint32(len(rec)-4))
	return rec
}

func (s *sealed) open(i uint64, payload []byte) ([]byte, error) {
	n := chacha20poly1305.NonceSizeX
	if len(payload) < n+s.aead.Overhead() {
		return nil, errors.New("record too short")
	}
	body, err := s.aead.Open(nil, payload[:n], payload[n:], s.ad(i))
	if err != nil {
		return nil, errors.New("record fails authentication")
	}
	return body, nil
}

// isSealed reports whether a file starts like a sealed journal.
func isSealed(head []byte) bool { return bytes.HasPrefix(head, []byte(sealedMagic)) }
