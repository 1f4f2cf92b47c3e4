package audit

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
)

// BenchmarkWriteHead is the cost of one head file write: sign, write, sync,
// rename and sync the directory. witnessDelay keeps it to one every two
// seconds at most, whatever the rate of appends. Measured on a virtual
// ext4 disk: 6.8 ms a write, against 0.25 ms an append (BenchmarkAppend):
// a write per append would make appends about 27 times slower.
func BenchmarkWriteHead(b *testing.B) {
	key := newKey(b)
	path := filepath.Join(b.TempDir(), HeadFile)
	h := Head{Stream: StreamName, Hash: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", Created: time.Now()}
	for i := 0; b.Loop(); i++ {
		h.Seq, h.Signed = uint64(i), time.Now()
		if err := writeHead(path, h, key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppend is an append with the head file kept (the timer's
// writes included) and without.
func BenchmarkAppend(b *testing.B) {
	for _, withWitness := range []bool{false, true} {
		name := "bare"
		if withWitness {
			name = "witnessed"
		}
		b.Run(name, func(b *testing.B) {
			srv := bustest.Start(b, bus.Topology{})
			var opts []Option
			if withWitness {
				opts = append(opts, WithWitness(filepath.Join(b.TempDir(), HeadFile), newKey(b)))
			}
			lg, err := Open(b.Context(), srv.JS, 1, opts...)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := lg.Append(b.Context(), Event{Actor: "alice", Action: "view", Object: "x"}); err != nil {
					b.Fatal(err)
				}
			}
			if err := lg.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
