package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/config"
)

// Runtime is a connection to the bus and the catalogue, and, when this
// process owns the data directory, the embedded server.
type Runtime struct {
	Cfg      config.Config
	Log      *slog.Logger
	NC       *nats.Conn
	JS       jetstream.JetStream
	Catalog  *archive.Catalogue
	Registry *prometheus.Registry
	// Embedded is the in-process server, when this process owns DATA.
	Embedded *bus.Embedded
	// Attached is the serve this process attached to, when another owns DATA.
	Attached *ServeInfo

	release func()
	closers []func()
}

// Mode says whether a command must own the data directory.
type Mode int

// Modes.
const (
	// Own: the command must own DATA (serve); a running serve is an error.
	Own Mode = iota
	// OwnOrAttach: the command attaches to a running serve, or owns DATA.
	OwnOrAttach
)

// Connect starts or reaches the bus and opens the catalogue.
func Connect(ctx context.Context, cfg config.Config, log *slog.Logger, mode Mode) (*Runtime, error) {
	rt := &Runtime{Cfg: cfg, Log: log, Registry: prometheus.NewRegistry()}
	rt.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	url, err := rt.startOrAttach(mode)
	if err != nil {
		return nil, err
	}
	nc, err := nats.Connect(url, nats.Name("facetriage"), nats.MaxReconnects(-1), nats.ReconnectWait(time.Second))
	if err != nil {
		rt.Close()
		return nil, fmt.Errorf("app: connect to NATS at %s: %w", url, err)
	}
	rt.NC = nc
	rt.closers = append(rt.closers, nc.Close)
	if rt.JS, err = jetstream.New(nc); err != nil {
		rt.Close()
		return nil, fmt.Errorf("app: %w", err)
	}
	topo := bus.Topology{Replicas: cfg.Replicas}
	if err := topo.Ensure(ctx, rt.JS); err != nil {
		rt.Close()
		return nil, err
	}
	if rt.Catalog, err = archive.Open(ctx, rt.JS); err != nil {
		rt.Close()
		return nil, err
	}
	return rt, nil
}

func (rt *Runtime) startOrAttach(mode Mode) (string, error) {
	if !rt.Cfg.Embedded() {
		return rt.Cfg.NATS, nil
	}
	dir := rt.Cfg.DataDirOrDefault()
	release, err := lockDir(dir)
	if errors.Is(err, ErrBusy) {
		if mode == Own {
			si, _ := ReadServeInfo(dir)
			return "", fmt.Errorf("%w: %s (serve pid %d): stop it first, or use its API at %s", ErrBusy, dir, si.PID, si.HTTP)
		}
		si, err := ReadServeInfo(dir)
		if err != nil {
			return "", err
		}
		rt.Attached = &si
		return si.NATS, nil
	}
	if err != nil {
		return "", err
	}
	rt.release = release
	emb, err := bus.StartEmbedded(bus.EmbeddedOptions{Dir: dir, Port: rt.Cfg.NATSPort, Log: rt.Log})
	if err != nil {
		release()
		return "", err
	}
	rt.Embedded = emb
	return emb.URL(), nil
}

// Owner reports whether this process owns the data directory (embedded
// mode, no serve running).
func (rt *Runtime) Owner() bool { return rt.Embedded != nil }

// IndexDir is where the embedded vector index lives.
func (rt *Runtime) IndexDir() string { return filepath.Join(rt.Cfg.DataDirOrDefault(), "index") }

// OnClose runs f when the runtime closes, before the bus goes.
func (rt *Runtime) OnClose(f func()) { rt.closers = append(rt.closers, f) }

// Close stops everything this runtime started, in reverse order.
func (rt *Runtime) Close() {
	for i := len(rt.closers) - 1; i >= 0; i-- {
		rt.closers[i]()
	}
	rt.closers = nil
	if rt.Embedded != nil {
		rt.Embedded.Shutdown()
		rt.Embedded = nil
	}
	if rt.release != nil {
		rt.release()
		rt.release = nil
	}
}

// Publisher publishes pipeline messages.
func (rt *Runtime) Publisher() bus.Publisher { return bus.Publisher{JS: rt.JS} }
