package memstore

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/vector"
)

// The store's files in its directory: one journal, plain or sealed.
const (
	journalName = "faces.journal"
	sealedName  = "faces.journal.sealed"
)

// Errors of Open. The index is a projection of the face records: whatever
// happens to the journal, nothing is lost that a rebuild cannot restore.
var (
	// ErrCorrupt means the journal is damaged before its last record (a
	// damaged last record is a write cut short by a crash, and is dropped).
	// Set the journal aside (SetAside) and rebuild the index from the face
	// records: `facetriage serve` does both.
	ErrCorrupt = errors.New("memstore: index journal corrupt")
	// ErrKeyRequired means the journal is sealed and no key was given.
	ErrKeyRequired = errors.New("memstore: the index journal is sealed: its key is needed to open it")
	// ErrWrongKey means the journal is sealed under another key.
	ErrWrongKey = errors.New("memstore: the index journal is sealed with another key")
	// ErrBadKey means the key is not a 32-byte key.
	ErrBadKey = errors.New("memstore: bad journal key")
)

// maxRecord bounds a record's length: an id, a descriptor and a payload
// take about 1 KB. A longer length is damage, not a record.
const maxRecord = 1 << 20

// journal is an append-only file of points: a header (sealed journals
// only), then records as codec frames them, numbered from 0.
type journal struct {
	path    string
	f       *os.File
	codec   codec
	size    int64 // header and whole records: where the next record goes
	records int
	// torn is set when an append failed and its bytes past size may not
	// have been cut off yet: the next append cuts them first.
	torn bool
	live func() int
}

// openJournal opens dir's journal and replays it into apply. With a key,
// the journal is sealed; sealTo is set when a plain journal was read and
// must be rewritten sealed with it (Store.Open does it).
func openJournal(dir string, key []byte, apply func(vector.Point)) (j *journal, sealTo codec, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("memstore: %w", err)
	}
	// An index made by an older version may be open to other accounts.
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("memstore: %w", err)
	}
	plainPath, sealedPath := filepath.Join(dir, journalName), filepath.Join(dir, sealedName)
	hasSealed := exists(sealedPath)
	var c codec = plain{}
	path := plainPath
	if key != nil {
		s, err := newSealed(key)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case hasSealed:
			c, path = s, sealedPath
			// A plain journal beside a sealed one is what a migration
			// left when it stopped after the rename: the sealed one holds
			// all of it.
			if err := os.Remove(plainPath); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, nil, fmt.Errorf("memstore: %w", err)
			}
		case exists(plainPath):
			sealTo = s
		default:
			c, path = s, sealedPath
		}
	} else if hasSealed {
		return nil, nil, fmt.Errorf("%w (%s)", ErrKeyRequired, sealedPath)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("memstore: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("memstore: %w", err)
	}
	j = &journal{path: path, f: f}
	if err := j.load(c, apply); err != nil {
		f.Close()
		return nil, nil, err
	}
	return j, sealTo, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// load reads the header (writing one into an empty file), replays the
// records and cuts off a torn last one.
func (j *journal) load(c codec, apply func(vector.Point)) error {
	st, err := j.f.Stat()
	if err != nil {
		return fmt.Errorf("memstore: %w", err)
	}
	size := st.Size()
	if _, ok := c.(*sealed); ok && size < int64(sealedHeaderLen) {
		// A new journal, or one whose creation stopped before its header
		// was whole: no record was ever acknowledged in it.
		h, fc, err := c.fresh()
		if err != nil {
			return fmt.Errorf("memstore: %w", err)
		}
		if err := j.f.Truncate(0); err != nil {
			return fmt.Errorf("memstore: %w", err)
		}
		if _, err := j.f.WriteAt(h, 0); err != nil {
			return fmt.Errorf("memstore: %w", err)
		}
		if err := j.f.Sync(); err != nil {
			return fmt.Errorf("memstore: %w", err)
		}
		j.codec, j.size = fc, int64(len(h))
		return nil
	}
	r := bufio.NewReaderSize(j.f, 1<<20)
	rc, off, err := c.resume(r)
	if err != nil {
		return fmt.Errorf("%w (%s)", err, j.path)
	}
	j.codec = rc
	good, err := j.replay(r, off, size, apply)
	if err != nil {
		return err
	}
	j.size = good
	if good < size {
		return j.cut()
	}
	return nil
}

// replay applies the records from byte off and returns where the whole
// records end. A record cut short by a crash (the last one, never
// acknowledged) ends the replay; damage earlier is ErrCorrupt.
func (j *journal) replay(r io.Reader, off, size int64, apply func(vector.Point)) (int64, error) {
	var hdr [4]byte
	for i := uint64(0); ; i++ {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return off, nil // the end, or a length cut short
		}
		n := j.codec.payloadLen(binary.LittleEndian.Uint32(hdr[:]))
		if n > maxRecord {
			return 0, j.corrupt(off, i, fmt.Sprintf("a length of %d bytes", n))
		}
		if off+4+n > size {
			return off, nil // the last write never completed
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(r, payload); err != nil {
			return off, nil
		}
		body, err := j.codec.open(i, payload)
		var p vector.Point
		if err == nil {
			p, err = decodePoint(body)
		}
		if err != nil {
			if off+4+n == size {
				return off, nil // a damaged last record: drop it
			}
			return 0, j.corrupt(off, i, err.Error())
		}
		apply(p)
		j.records++
		off += 4 + n
	}
}

func (j *journal) corrupt(off int64, i uint64, why string) error {
	return fmt.Errorf("%w: record %d at byte %d of %s: %s; the index is a projection of the face records: set the journal aside and rebuild it from them (facetriage serve does both)",
		ErrCorrupt, i, off, j.path, why)
}

// append writes points after the last whole record and syncs the file. When
// it fails (a full disk), what it wrote is cut off again, so that the
// journal never holds a torn record before a whole one.
func (j *journal) append(points []vector.Point) error {
	if j.torn {
		if err := j.cut(); err != nil {
			return err
		}
	}
	var buf []byte
	for k, p := range points {
		body, err := encodePoint(p)
		if err != nil {
			return err
		}
		buf = append(buf, j.codec.seal(uint64(j.records+k), body)...)
	}
	_, err := j.f.WriteAt(buf, j.size)
	if err == nil {
		err = j.f.Sync()
	}
	if err != nil {
		j.torn = true
		_ = j.cut() // the next append tries again if this fails
		return err
	}
	j.size += int64(len(buf))
	j.records += len(points)
	return nil
}

// cut truncates the file to its whole records.
func (j *journal) cut() error {
	if err := j.f.Truncate(j.size); err != nil {
		return fmt.Errorf("memstore: cut the journal back to %d bytes: %w", j.size, err)
	}
	j.torn = false
	return nil
}

// garbage is the number of records that later records replaced.
func (j *journal) garbage() int { return j.records - j.liveCount() }

func (j *journal) liveCount() int {
	if j.live == nil {
		return j.records
	}
	return j.live()
}

// rewrite replaces the journal with the points fill emits, in the format
// of c at path (the journal's own, or the sealed one it migrates to).
func (j *journal) rewrite(path string, c codec, fill func(emit func(vector.Point) error) error) error {
	tmp := path + ".compact"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	h, fc, err := c.fresh()
	if err != nil {
		f.Close()
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	size, n := int64(len(h)), 0
	_, err = w.Write(h)
	if err == nil {
		err = fill(func(p vector.Point) error {
			body, err := encodePoint(p)
			if err != nil {
				return err
			}
			rec := fc.seal(uint64(n), body)
			n++
			size += int64(len(rec))
			_, err = w.Write(rec)
			return err
		})
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		f.Close()
		return err
	}
	if path != j.path {
		_ = os.Remove(j.path) // the sealed journal holds all of it now
	}
	j.f.Close()
	j.f, j.path, j.codec, j.size, j.records, j.torn = f, path, fc, size, n, false
	syncDir(filepath.Dir(path))
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

func (j *journal) close() error { return j.f.Close() }

// SetAside renames dir's journal (plain or sealed) out of the way, to the
// same name with ".damaged-" and the time, so that a new index can be
// built while the damaged one stays for inspection. It returns the new
// names.
func SetAside(dir string, now time.Time) ([]string, error) {
	var moved []string
	for _, name := range []string{journalName, sealedName} {
		from := filepath.Join(dir, name)
		if !exists(from) {
			continue
		}
		to := from + ".damaged-" + now.UTC().Format("20060102T150405Z")
		if err := os.Rename(from, to); err != nil {
			return moved, fmt.Errorf("memstore: set the journal aside: %w", err)
		}
		moved = append(moved, to)
	}
	syncDir(dir)
	return moved, nil
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
