package audit

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/facetriage/facetriage/internal/keys"
)

// witnessDelay is how long an appended record waits before the head file
// names it, and so how often at most the file is rewritten (each write is
// a signature, a file sync and a rename: about a millisecond on an SSD,
// tens on a slow disk). It is longer than the embedded server's sync
// interval (one second), so that after a power loss the file does not name
// a record the stream itself lost. The price: the file names each record
// 2 to 4 seconds after it was appended, so a cut of the trail's last
// seconds, made together with a rewrite of the anchor, escapes the file.
const witnessDelay = 2 * time.Second

// witness keeps the signed head file up to date as records are appended.
// It has no goroutine of its own: a timer runs one write at a time, and
// close stops it and writes the newest head.
type witness struct {
	path    string
	key     ed25519.PrivateKey
	created time.Time // the stream's creation time
	delay   time.Duration
	now     func() time.Time
	log     *slog.Logger
	// holds reports whether the stream still has the record m names.
	holds func(ctx context.Context, m Mark) (bool, error)

	mu      sync.Mutex
	pending Mark // the newest record noted
	ripe    Mark // noted at least one delay ago: written at the next tick
	timer   *time.Timer
	closed  bool
	busy    sync.WaitGroup // writes started by the timer

	wmu     sync.Mutex // serialises writes, and guards:
	written Mark       // what the file names, as far as this process knows
	seen    bool       // the file existed once: its loss is worth a warning
	stuck   bool       // the file names another chain: left as evidence
}

// note records that m was appended.
func (w *witness) note(m Mark) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed || m.Seq <= w.pending.Seq {
		return
	}
	w.pending = m
	if w.timer == nil {
		w.timer = time.AfterFunc(w.delay, w.tick)
	}
}

// tick writes the record that ripened over the last delay, and ripens the
// newest; it runs again while there is more to write.
func (w *witness) tick() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	m := w.ripe
	w.ripe = w.pending
	if w.ripe.Seq > m.Seq {
		w.timer.Reset(w.delay)
	} else {
		w.timer = nil
	}
	w.busy.Add(1)
	w.mu.Unlock()
	defer w.busy.Done()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := w.write(ctx, m); err != nil {
		w.log.Error("the audit head file was not updated", "file", w.path, "seq", m.Seq, "err", err)
	}
}

// close stops the timer and writes the newest record noted.
func (w *witness) close(ctx context.Context) error {
	w.mu.Lock()
	w.closed = true
	if w.timer != nil {
		w.timer.Stop()
	}
	m := w.pending
	w.mu.Unlock()
	w.busy.Wait()
	return w.write(ctx, m)
}

// write moves the head file forward to m. It only moves forward along the
// chain the file names: a file that names another stream, or a record the
// stream no longer holds, is left as it is, for Verify to report.
func (w *witness) write(ctx context.Context, m Mark) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	if w.stuck || m.Seq <= w.written.Seq {
		return nil
	}
	unlock, err := lockHead(w.path)
	if err != nil {
		return err
	}
	defer unlock()
	cur, err := ReadHead(w.path, keys.Public(w.key))
	switch {
	case headMissing(err):
		if w.seen {
			w.log.Warn("the audit head file disappeared; writing it again", "file", w.path)
		}
	case err != nil:
		w.stuck = true
		return fmt.Errorf("%w: left as it is: %v", ErrDamaged, err)
	case !cur.Created.Equal(w.created):
		w.stuck = true
		return fmt.Errorf("%w: %s names a stream created at %s, not this one (created at %s): left as it is",
			ErrDamaged, w.path, stamp(cur.Created), stamp(w.created))
	case cur.Seq >= m.Seq: // another process is ahead
		w.written, w.seen = cur.Mark(), true
		return nil
	default:
		on, err := w.holds(ctx, cur.Mark())
		if err != nil {
			return err
		}
		if !on {
			w.stuck = true
			return fmt.Errorf("%w: the stream no longer holds record %d (%s) that %s names: left as it is",
				ErrDamaged, cur.Seq, short(cur.Hash), w.path)
		}
	}
	h := Head{Stream: StreamName, Seq: m.Seq, Hash: m.Hash, Created: w.created, Signed: w.now()}
	if err := writeHead(w.path, h, w.key); err != nil {
		return err
	}
	w.written, w.seen = m, true
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
