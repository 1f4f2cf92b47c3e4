package audit

import (
	"fmt"
	"sync"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
)

// Eight appenders, each with its own Log on its own connection as separate
// API processes would have, append 25 events each at once: the server's
// expected-last-sequence check must make one linear chain of them.
func TestConcurrentAppendersMakeOneChain(t *testing.T) {
	const writers, each = 8, 25
	srv, lg := startLog(t, "")

	var wg sync.WaitGroup
	errs := make(chan error, writers)
	got := make([][]Event, writers)
	for w := range writers {
		nc, err := srv.Dial()
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		wlg, err := Open(testCtx(t), js, 1)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				e, err := wlg.Append(testCtx(t), Event{Actor: fmt.Sprintf("writer%d", w), Action: "search",
					Case: fmt.Sprintf("C%d", w%3), Object: fmt.Sprint(i)})
				if err != nil {
					errs <- fmt.Errorf("writer %d append %d: %w", w, i, err)
					return
				}
				got[w] = append(got[w], e)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	wantClean(t, verify(t, lg), writers*each)
	seen := map[uint64]bool{}
	for w := range writers {
		for i, e := range got[w] {
			if seen[e.Seq] {
				t.Fatalf("seq %d returned twice", e.Seq)
			}
			seen[e.Seq] = true
			if i > 0 && e.Seq <= got[w][i-1].Seq {
				t.Fatalf("writer %d: seq %d after %d", w, e.Seq, got[w][i-1].Seq)
			}
		}
	}
	var prev Event
	n := 0
	err := lg.Read(testCtx(t), 1, func(e Event) error {
		n++
		if e.Seq != uint64(n) || e.Prev != prev.Hash {
			return fmt.Errorf("record %d (seq %d) links to %.12s, want %.12s", n, e.Seq, e.Prev, prev.Hash)
		}
		prev = e
		return nil
	})
	if err != nil || n != writers*each {
		t.Fatalf("read %d records: %v", n, err)
	}
	if rep := verify(t, lg); rep.Anchor != (Mark{Seq: prev.Seq, Hash: prev.Hash}) {
		t.Fatalf("anchor %+v, want the last record %d %.12s", rep.Anchor, prev.Seq, prev.Hash)
	}
	for c := range 3 {
		events, err := lg.ForCase(testCtx(t), fmt.Sprintf("C%d", c))
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for w := range writers {
			if w%3 == c {
				want += each
			}
		}
		if len(events) != want {
			t.Fatalf("case C%d has %d events, want %d", c, len(events), want)
		}
	}
}
