package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/minio/highwayhash"
)

// alterOnDisk stops the server, changes one byte of the record whose Object
// is marker(target) in FT_AUDIT's block file (the length stays), optionally
// fixes the file store's own checksum of that record, and restarts the
// server on the same storage.
func alterOnDisk(t *testing.T, dir string, target int, fixChecksum bool) *Log {
	t.Helper()
	found := false
	for _, f := range blockFiles(t, dir) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(b, []byte(marker(target)))
		if i < 0 {
			continue
		}
		found = true
		b[i] = 'm' // MARKER-0009 → mARKER-0009
		if fixChecksum {
			rechecksum(t, b, i, f)
		}
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if !found {
		t.Fatalf("no block file holds %s", marker(target))
	}
	_, lg := reattach(t, dir)
	return lg
}

// rechecksum recomputes the highwayhash of the record holding offset i, as
// an attacker who knows the file format would (the key is the SHA-256 of
// "<stream>-<block index>").
func rechecksum(t *testing.T, b []byte, i int, file string) {
	t.Helper()
	var index int
	if _, err := fmt.Sscanf(filepath.Base(file), "%d.blk", &index); err != nil {
		t.Fatal(err)
	}
	key := sha256.Sum256([]byte(fmt.Sprintf("%s-%d", StreamName, index)))
	for _, r := range blockRecords(t, b) {
		if i < r.off || i >= r.off+r.len {
			continue
		}
		rec := b[r.off : r.off+r.len]
		hasHeaders := binary.LittleEndian.Uint32(rec)&(1<<31) != 0
		slen := int(binary.LittleEndian.Uint16(rec[20:]))
		h, err := highwayhash.New64(key[:])
		if err != nil {
			t.Fatal(err)
		}
		h.Write(rec[4:20])
		h.Write(rec[22 : 22+slen])
		rest := rec[22+slen : len(rec)-8]
		if hasHeaders {
			rest = rest[4:]
		}
		h.Write(rest)
		copy(rec[len(rec)-8:], h.Sum(nil))
		return
	}
	t.Fatal("no record holds the altered byte")
}

// Altering a record's bytes in storage, as one would with a hex editor.
//
// What nats-server 2.15.2 does with it (observed): on restart it trusts its
// index (msgs/index.db), so the stream still counts 20 records with none
// deleted; when it loads the block, the altered record fails its checksum,
// so GetMsg answers 10037 "message not found", and consumers skip it
// silently (while still counting it in NumPending). It neither returns the
// altered bytes nor drops the records after it. Verify turns that into an
// "unreadable" problem at the record's sequence.
func TestVerifyDetectsARecordAlteredInStorage(t *testing.T) {
	for _, target := range []int{1, 9, 20} {
		t.Run(fmt.Sprint(target), func(t *testing.T) {
			srv, lg := startLog(t, "")
			appendN(t, lg, 20)
			wantClean(t, verify(t, lg), 20) // untouched
			srv.Stop()

			lg = alterOnDisk(t, srv.Dir, target, false)
			rep := verify(t, lg)
			if _, ok := problemAt(rep, uint64(target), "unreadable"); !ok || len(rep.Problems) != 1 || rep.Records != 19 {
				t.Fatalf("want one unreadable record at %d of 19 read, got %d read and %v", target, rep.Records, rep.Problems)
			}
			t.Logf("problems: %v", rep.Problems)
			n := 0
			if err := lg.Read(testCtx(t), 1, func(Event) error { n++; return nil }); !errors.Is(err, ErrIncomplete) || n != 19 {
				t.Fatalf("Read delivered %d: %v, want 19 and ErrIncomplete", n, err)
			}
		})
	}
}

// An attacker who also fixes the file store's checksum gets the altered
// bytes served back: the record's own hash no longer matches.
func TestVerifyDetectsARecordAlteredAndRechecksummed(t *testing.T) {
	srv, lg := startLog(t, "")
	appendN(t, lg, 20)
	srv.Stop()

	lg = alterOnDisk(t, srv.Dir, 9, true)
	var object string
	_ = lg.Read(testCtx(t), 9, func(e Event) error {
		if object == "" {
			object = e.Object
		}
		return nil
	})
	if object != "m"+marker(9)[1:] {
		t.Fatalf("the server served record 9 with object %q: the re-checksummed bytes did not come back", object)
	}
	rep := verify(t, lg)
	if _, ok := problemAt(rep, 9, "altered"); !ok || len(rep.Problems) != 1 || rep.Records != 20 {
		t.Fatalf("want one altered record at 9, got %d read and %v", rep.Records, rep.Problems)
	}
	t.Logf("problems: %v", rep.Problems)
}

// Cutting the block file at record 15. With the index gone too, the server
// rebuilds from the block and the stream ends at 14: only the head anchor
// (at 20) shows what is missing. With the index kept, the server lists
// 15 to 20 as deleted. Either way Verify reports it from 15, and the
// anchor keeps reporting it after the log grows past 20 again.
func TestVerifyDetectsATruncatedTail(t *testing.T) {
	for _, keepIndex := range []bool{false, true} {
		t.Run(fmt.Sprintf("keepIndex=%v", keepIndex), func(t *testing.T) {
			srv, lg := startLog(t, "")
			events := appendN(t, lg, 20)
			srv.Stop()
			for _, f := range blockFiles(t, srv.Dir) {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range blockRecords(t, b) {
					if r.seq == 15 {
						if err := os.WriteFile(f, b[:r.off], 0o600); err != nil {
							t.Fatal(err)
						}
					}
				}
				if !keepIndex {
					if err := os.Remove(filepath.Join(filepath.Dir(f), "index.db")); err != nil {
						t.Fatal(err)
					}
				}
			}
			srv, lg = reattach(t, srv.Dir)
			if _, err := Open(testCtx(t), srv.JS, 1); !errors.Is(err, ErrDamaged) {
				t.Fatalf("Open over a cut trail = %v, want ErrDamaged", err)
			}

			rep := verify(t, lg)
			word := "truncated"
			if keepIndex {
				word = "records 15 to 20: missing"
			}
			if _, ok := problemAt(rep, 15, word); !ok || rep.Records != 14 {
				t.Fatalf("want %q at 15 with 14 records read, got %d read and %v", word, rep.Records, rep.Problems)
			}
			t.Logf("problems: %v", rep.Problems)
			if keepIndex {
				// The stream's last record is gone: Append fails closed.
				if _, err := lg.Append(testCtx(t), Event{Actor: "alice", Action: "login"}); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Append = %v, want ErrCorrupt", err)
				}
				return
			}

			// The log grows past the anchor: the anchor stays on the old
			// record 20, and Verify reports the rewrite there.
			more := appendN(t, lg, 7)
			if more[0].Seq != 15 || more[0].Prev != events[13].Hash {
				t.Fatalf("appended seq %d prev %.12s after the cut, want 15 and %.12s", more[0].Seq, more[0].Prev, events[13].Hash)
			}
			rep = verify(t, lg)
			if _, ok := problemAt(rep, 20, "rewritten"); !ok || len(rep.Problems) != 1 || rep.Anchor.Hash != events[19].Hash {
				t.Fatalf("want the anchor to stay on the old record 20 and report it, got anchor %+v and %v", rep.Anchor, rep.Problems)
			}
			// A head kept elsewhere catches the same.
			rep = verify(t, lg, kept(Mark{Seq: 18, Hash: events[17].Hash}))
			if _, ok := problemAt(rep, 18, "mark kept elsewhere"); !ok {
				t.Fatalf("the external mark is not reported: %v", rep.Problems)
			}
		})
	}
}
