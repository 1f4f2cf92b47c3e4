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
	"github.com/facetriage/facetriage/internal/vector/qdrant"
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

	release  func()
	closers  []func()
	storeKey string // the data directory's store key, when this process owns it
}

// plainStoreForTests leaves the embedded store unencrypted, so that tests
// can damage a record where it lies as an attacker who knows the layout
// would. Only a test can set it (export_test.go).
var plainStoreForTests bool

// Mode says whether a command must own the data directory.
type Mode int

// Modes.
const (
	// Own: the command must own DATA (serve); a running serve is an error.
	Own Mode = iota
	// OwnOrAttach: the command attaches to a running serve, or owns DATA.
	OwnOrAttach
)

// Connect starts or reaches the bus as the application's NATS user,
// creates or updates the topology, and opens the catalogue.
func Connect(ctx context.Context, cfg config.Config, log *slog.Logger, mode Mode) (*Runtime, error) {
	rt, err := connect(ctx, cfg, log, mode, bus.RoleAPI)
	if err != nil {
		return nil, err
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

// ConnectWorker reaches a NATS cluster as a pipeline stage's user, which may
// not create streams: it waits until the topology exists (made by serve or
// `facetriage status` as the api user), then opens the catalogue.
func ConnectWorker(ctx context.Context, cfg config.Config, log *slog.Logger, stage string) (*Runtime, error) {
	if cfg.Embedded() {
		return nil, errors.New("app: a worker needs a NATS cluster (--nats)")
	}
	rt, err := connect(ctx, cfg, log, OwnOrAttach, stage)
	if err != nil {
		return nil, err
	}
	for try := 0; ; try++ {
		if rt.Catalog, err = archive.Open(ctx, rt.JS); err == nil {
			return rt, nil
		}
		if !errors.Is(err, jetstream.ErrBucketNotFound) && !errors.Is(err, jetstream.ErrStreamNotFound) {
			rt.Close()
			return nil, err
		}
		if try%15 == 0 { // every 30 s
			log.Info("waiting for the streams and buckets (serve or `facetriage status` creates them)", "err", err)
		}
		select {
		case <-ctx.Done():
			rt.Close()
			return nil, ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// qdrantConfig is how to reach Qdrant in the scale-out mode.
func qdrantConfig(c config.Config) qdrant.Config {
	return qdrant.Config{Addr: c.Qdrant, Collection: c.QdrantCollection, APIKey: c.QdrantAPIKey,
		UseTLS: c.QdrantTLS, TLSCA: c.QdrantTLSCA, Exact: c.QdrantExact}
}

// natsClient is how to reach the cluster of the scale-out mode.
func natsClient(c config.Config) bus.Client {
	return bus.Client{URL: c.NATS, UserFile: c.NATSUserFile, CredsFile: c.NATSCreds, NKeyFile: c.NATSNKey,
		TLSCA: c.NATSTLSCA, TLSCert: c.NATSTLSCert, TLSKey: c.NATSTLSKey}
}

// ConnectAdmin reaches the bus as the administrative user, for backup,
// restore and repairs: the embedded server's admin user (attaching to a
// running serve, or owning DATA), or the credentials given for a cluster,
// which must be those of an operator (deploy/: the ops user). It creates
// nothing and opens no catalogue.
func ConnectAdmin(ctx context.Context, cfg config.Config, log *slog.Logger) (*Runtime, error) {
	return connect(ctx, cfg, log, OwnOrAttach, bus.RoleOps)
}

func connect(ctx context.Context, cfg config.Config, log *slog.Logger, mode Mode, role string) (*Runtime, error) {
	rt := &Runtime{Cfg: cfg, Log: log, Registry: prometheus.NewRegistry()}
	rt.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	client, err := rt.startOrAttach(ctx, mode, role)
	if err != nil {
		return nil, err
	}
	client.Role, client.Name = role, "facetriage "+role
	nc, err := client.Connect(log)
	if err != nil {
		rt.Close()
		return nil, fmt.Errorf("app: %w", err)
	}
	rt.NC = nc
	rt.closers = append(rt.closers, nc.Close)
	if rt.JS, err = jetstream.New(nc); err != nil {
		rt.Close()
		return nil, fmt.Errorf("app: %w", err)
	}
	return rt, nil
}

// startOrAttach says whom to connect to, and as whom: the cluster with the
// configured credentials; the running serve's embedded server; or a new
// embedded server in DATA, which this process then owns.
func (rt *Runtime) startOrAttach(ctx context.Context, mode Mode, role string) (bus.Client, error) {
	if !rt.Cfg.Embedded() {
		return natsClient(rt.Cfg), nil
	}
	dir := rt.Cfg.DataDirOrDefault()
	user := LoadAppUser
	if role == bus.RoleOps {
		user = LoadAdminUser
	}
	release, err := lockDir(dir)
	if errors.Is(err, ErrBusy) {
		if mode == Own {
			si, _ := ReadServeInfo(dir)
			return bus.Client{}, fmt.Errorf("%w: %s (serve pid %d): stop it first, or use its API at %s", ErrBusy, dir, si.PID, si.HTTP)
		}
		si, err := ReadServeInfo(dir)
		if err != nil {
			return bus.Client{}, err
		}
		up, err := user(dir)
		if err != nil {
			return bus.Client{}, fmt.Errorf("app: the credentials of the running serve: %w", err)
		}
		rt.Attached = &si
		return bus.Client{URL: si.NATS, UserPass: &up}, nil
	}
	if err != nil {
		return bus.Client{}, err
	}
	rt.release = release
	sec, err := LoadOrCreateSecrets(dir)
	if err != nil {
		release()
		return bus.Client{}, err
	}
	for _, f := range sec.Created {
		rt.Log.Info("made a new secret", "file", f)
		if f == StoreKeyPath(dir) {
			rt.Log.Warn("back up the new store key now: without it the data directory cannot be read (README, Security)", "file", f)
		}
	}
	storeKey := sec.StoreKey
	if plainStoreForTests {
		storeKey = ""
	} else if err := encryptStore(ctx, dir, sec, rt.Log); err != nil {
		release()
		return bus.Client{}, err
	}
	emb, err := bus.StartEmbedded(bus.EmbeddedOptions{Dir: dir, Port: rt.Cfg.NATSPort, Log: rt.Log,
		App: sec.App, Admin: sec.Admin, StoreKey: storeKey})
	if err != nil {
		release()
		return bus.Client{}, err
	}
	rt.Embedded, rt.storeKey = emb, sec.StoreKey
	up := sec.App
	if role == bus.RoleOps {
		up = sec.Admin
	}
	return bus.Client{URL: emb.URL(), UserPass: &up}, nil
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
