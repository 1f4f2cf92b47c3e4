package bustest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// StoredOffset is where the bytes find of message seq lie in its stream's
// first block file (BlockFile), for tests that alter a record as someone
// with the store's files would. The file store writes each message as a
// record: length (4 bytes), sequence (8), time (8), subject length (2), the
// subject, with headers their length (4) and the headers, the data, and an
// 8-byte hash. An encrypted store XORs the block with a key stream that
// starts at the file's first byte, so XOR-ing a byte of the file there
// changes the same byte of the message without the key. The stream's
// messages from its first must all be in that block, none deleted.
func StoredOffset(t testing.TB, nc *nats.Conn, stream string, seq uint64, find []byte) int64 {
	t.Helper()
	var off int64
	for s := uint64(1); s <= seq; s++ {
		subj, hdr, data := rawMsg(t, nc, stream, s)
		rec := int64(22 + len(subj) + len(data) + 8)
		if len(hdr) > 0 {
			rec += int64(4 + len(hdr))
		}
		if s < seq {
			off += rec
			continue
		}
		i := bytes.Index(data, find)
		if i < 0 {
			t.Fatalf("message %d of %s does not hold %q", seq, stream, find)
		}
		return off + rec - 8 - int64(len(data)) + int64(i)
	}
	t.Fatalf("no message %d in %s", seq, stream)
	return 0
}

// BlockFile is the first block file of a stream of an embedded server
// whose data directory is dir.
func BlockFile(dir, stream string) string {
	return filepath.Join(dir, "jetstream", "jetstream", "$G", "streams", stream, "msgs", "1.blk")
}

// XORStored XORs the bytes at off of a block file (the server stopped).
func XORStored(t testing.TB, file string, off int64, x []byte) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if off < 0 || off+int64(len(x)) > int64(len(b)) {
		t.Fatalf("offset %d is outside %s (%d bytes)", off, file, len(b))
	}
	for i, c := range x {
		b[off+int64(i)] ^= c
	}
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// rawMsg gets a stored message's subject, raw headers and data.
func rawMsg(t testing.TB, nc *nats.Conn, stream string, seq uint64) (string, []byte, []byte) {
	t.Helper()
	req, _ := json.Marshal(map[string]uint64{"seq": seq})
	m, err := nc.Request(fmt.Sprintf("$JS.API.STREAM.MSG.GET.%s", stream), req, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Message *struct {
			Subject string `json:"subject"`
			Hdrs    []byte `json:"hdrs"`
			Data    []byte `json:"data"`
		} `json:"message"`
		Error *struct {
			Description string `json:"description"`
		} `json:"error"`
	}
	if err := json.Unmarshal(m.Data, &resp); err != nil || resp.Message == nil {
		t.Fatalf("message %d of %s: %v %+v", seq, stream, err, resp.Error)
	}
	return resp.Message.Subject, resp.Message.Hdrs, resp.Message.Data
}
