package app

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
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
func restartJetStream(ctx context.Context, srv *server.Server, js jetstream.JetStream, storeDir string, topo bus.Topology) error {
	dir := storeDir
	if cfg := srv.JetStreamConfig(); cfg != nil {
		// The server keeps its store in StoreDir/jetstream and adds that
		// last element again to the directory it is given.
		dir = filepath.Dir(cfg.StoreDir)
	}
	if err := srv.ShutdownJetStream(); err != nil {
		return fmt.Errorf("shut JetStream down: %w", err)
	}
	if err := srv.EnableJetStream(&server.JetStreamConfig{StoreDir: dir}); err != nil {
		return fmt.Errorf("enable JetStream: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return topo.Ensure(ctx, js)
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
