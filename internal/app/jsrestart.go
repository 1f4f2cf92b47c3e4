package app

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
)

// restartJetStream shuts JetStream down and enables it again on the same
// storage (storeDir, the server's option: bus.StartEmbedded's Dir/jetstream,
// unless JetStream runs and says otherwise), with the limit derived anew
// from the free space, then ensures the topology.
func restartJetStream(ctx context.Context, srv *server.Server, js jetstream.JetStream, storeDir string, topo bus.Topology) ([]lostStream, error) {
	dir := storeDir
	if cfg := srv.JetStreamConfig(); cfg != nil {
		// The server keeps its store in StoreDir/jetstream and adds that
		// last element again to the directory it is given.
		dir = filepath.Dir(cfg.StoreDir)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	before := tallyStreams(ctx, js)
	if err := srv.ShutdownJetStream(); err != nil {
		return nil, fmt.Errorf("shut JetStream down: %w", err)
	}
	if err := srv.EnableJetStream(&server.JetStreamConfig{StoreDir: dir}); err != nil {
		return nil, fmt.Errorf("enable JetStream: %w", err)
	}
	if err := topo.Ensure(ctx, js); err != nil {
		return nil, err
	}
	return lostIn(before, tallyStreams(ctx, js)), nil
}

// streamTally is what a stream held: when it was made, and its messages.
type streamTally struct {
	created time.Time
	msgs    uint64
	lastSeq uint64
}

// lostStream is a stream JetStream did not bring back whole from its
// files after a restart (a block or state file a full disk cut short):
// it was made anew, or its last message is gone.
type lostStream struct {
	name string
	msgs uint64 // the messages it held before, at most this many lost
}

// tallyStreams reads every stream's tally; a stream it cannot read is
// left out (and so never reported lost).
func tallyStreams(ctx context.Context, js jetstream.JetStream) map[string]streamTally {
	out := map[string]streamTally{}
	l := js.ListStreams(ctx)
	for info := range l.Info() {
		out[info.Config.Name] = streamTally{created: info.Created, msgs: info.State.Msgs, lastSeq: info.State.LastSeq}
	}
	return out
}

// lostIn compares the tallies before and after a restart. No message is
// taken from a stream while JetStream is down, so a stream whose last
// sequence went back, or that was made again, lost what it held.
func lostIn(before, after map[string]streamTally) []lostStream {
	var out []lostStream
	for name, b := range before {
		a, ok := after[name]
		if b.msgs > 0 && (!ok || !a.created.Equal(b.created) || a.lastSeq < b.lastSeq) {
			out = append(out, lostStream{name: name, msgs: b.msgs})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func isCloser(l server.Logger) bool {
	_, ok := l.(io.Closer)
	return ok
}

// writeErrorHook passes the server's log on, and calls seen when a line
// says a write failed for lack of space (nats-server recognises ENOSPC by
// this text itself: store.go, isOutOfSpaceErr) or hit JetStream's limit.
type writeErrorHook struct {
	inner server.Logger
	seen  func(sticky bool)
}

func (h writeErrorHook) Errorf(f string, v ...any) {
	switch msg := fmt.Sprintf(f, v...); {
	case strings.Contains(msg, "no space left"):
		h.seen(true)
	case strings.Contains(msg, "resource limits exceeded"):
		h.seen(false)
	}
	if h.inner != nil {
		h.inner.Errorf(f, v...)
	}
}

func (h writeErrorHook) Noticef(f string, v ...any) {
	if h.inner != nil {
		h.inner.Noticef(f, v...)
	}
}

func (h writeErrorHook) Warnf(f string, v ...any) {
	if h.inner != nil {
		h.inner.Warnf(f, v...)
	}
}

func (h writeErrorHook) Fatalf(f string, v ...any) {
	if h.inner != nil {
		h.inner.Fatalf(f, v...)
	}
}

func (h writeErrorHook) Debugf(f string, v ...any) {
	if h.inner != nil {
		h.inner.Debugf(f, v...)
	}
}

func (h writeErrorHook) Tracef(f string, v ...any) {
	if h.inner != nil {
		h.inner.Tracef(f, v...)
	}
}
