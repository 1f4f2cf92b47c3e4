package memstore

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/vector"
)

// journalName is the store's file in its directory.
const journalName = "faces.journal"

// ErrCorrupt means the journal is damaged before its last record. The index
// is a projection of the face records: rebuild it from them.
var ErrCorrupt = errors.New("memstore: journal corrupt")

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// journal is an append-only file of points. Each record is
// [body length uint32][CRC-32C of body uint32][body], the body being the
// id (length-prefixed), the 128 float32 of the vector and the payload as JSON.
type journal struct {
	path    string
	f       *os.File
	records int
	live    func() int
}

// openJournal replays the journal into apply. A record cut short by a crash
// (the last one, never acknowledged) is dropped; damage earlier is an error.
func openJournal(dir string, apply func(vector.Point)) (*journal, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("memstore: %w", err)
	}
	path := filepath.Join(dir, journalName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("memstore: %w", err)
	}
	j := &journal{path: path, f: f}
	good, err := j.replay(apply)
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("memstore: %w", err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("memstore: %w", err)
	}
	return j, nil
}

func (j *journal) replay(apply func(vector.Point)) (int64, error) {
	st, err := j.f.Stat()
	if err != nil {
		return 0, err
	}
	size := st.Size()
	r := bufio.NewReaderSize(j.f, 1<<20)
	var off int64
	var hdr [8]byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return off, nil // end, or a header cut short
		}
		n := int64(binary.LittleEndian.Uint32(hdr[:4]))
		if off+8+n > size {
			return off, nil // body cut short: the last write never completed
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			return off, nil
		}
		p, err := decodePoint(body)
		if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(hdr[4:]) || err != nil {
			if off+8+n == size {
				return off, nil // a damaged last record: drop it
			}
			return 0, fmt.Errorf("%w at byte %d of %s", ErrCorrupt, off, j.path)
		}
		apply(p)
		j.records++
		off += 8 + n
	}
}

// append writes points and syncs the file.
func (j *journal) append(points []vector.Point) error {
	w := bufio.NewWriterSize(j.f, 1<<16)
	for _, p := range points {
		if err := writeRecord(w, p); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	j.records += len(points)
	return j.f.Sync()
}

// garbage is the number of records that later records replaced.
func (j *journal) garbage() int { return j.records - j.liveCount() }

func (j *journal) liveCount() int {
	if j.live == nil {
		return j.records
	}
	return j.live()
}

// rewrite replaces the journal with the points fill emits.
func (j *journal) rewrite(fill func(emit func(vector.Point) error) error) error {
	tmp := j.path + ".compact"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	w := bufio.NewWriterSize(f, 1<<20)
	n := 0
	err = fill(func(p vector.Point) error {
		n++
		return writeRecord(w, p)
	})
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		f.Close()
		return err
	}
	if err := os.Rename(tmp, j.path); err != nil {
		f.Close()
		return err
	}
	j.f.Close()
	j.f, j.records = f, n
	if d, err := os.Open(filepath.Dir(j.path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

func (j *journal) close() error { return j.f.Close() }

func writeRecord(w io.Writer, p vector.Point) error {
	body, err := encodePoint(p)
	if err != nil {
		return err
	}
	var hdr [8]byte
	binary.LittleEndian.PutUint32(hdr[:4], uint32(len(body)))
	binary.LittleEndian.PutUint32(hdr[4:], crc32.Checksum(body, crcTable))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	_, err = w.Write(body)
	return err
}

func encodePoint(p vector.Point) ([]byte, error) {
	payload, err := json.Marshal(p.Payload)
	if err != nil {
		return nil, err
	}
	if len(p.ID) > 255 {
		return nil, fmt.Errorf("point id longer than 255 bytes")
	}
	b := make([]byte, 0, 1+len(p.ID)+4*face.Dim+len(payload))
	b = append(b, byte(len(p.ID)))
	b = append(b, p.ID...)
	for _, v := range p.Vector {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return append(b, payload...), nil
}

func decodePoint(b []byte) (vector.Point, error) {
	var p vector.Point
	if len(b) < 1 || len(b) < 1+int(b[0])+4*face.Dim {
		return p, errors.New("short record")
	}
	n := int(b[0])
	p.ID = string(b[1 : 1+n])
	b = b[1+n:]
	for i := range p.Vector {
		p.Vector[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return p, json.Unmarshal(b[4*face.Dim:], &p.Payload)
}
