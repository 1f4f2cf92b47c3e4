package deploy

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
	"github.com/facetriage/facetriage/internal/config"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/internal/tlstest"
	"github.com/facetriage/facetriage/internal/vector/memstore"
	"github.com/facetriage/facetriage/workers/decode"
	"github.com/facetriage/facetriage/workers/faces"
	"github.com/facetriage/facetriage/workers/index"
)

var update = flag.Bool("update", false, "rewrite nats-permissions.conf")

// nats-permissions.conf is generated from internal/bus/permissions.go.
func TestPermissionsFileIsCurrent(t *testing.T) {
	want := bus.NATSConfPermissions()
	if *update {
		if err := os.WriteFile("nats-permissions.conf", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("nats-permissions.conf")
	if err != nil || string(got) != want {
		t.Fatalf("nats-permissions.conf is not current (%v): go test ./deploy -run %s -update", err, t.Name())
	}
}

// cluster is nats.conf loaded by nats-server, with its keys made by
// `facetriage deploy-keys`, running as one node on loopback with TLS.
type cluster struct {
	srv  *server.Server
	url  string
	keys bus.DeployKeys
	ca   string // the CA of the server's certificate
}

func startCluster(t *testing.T) *cluster {
	t.Helper()
	keys, err := bus.WriteDeployKeys(filepath.Join(t.TempDir(), "secrets"), []string{"nats-1", "nats-2", "nats-3"})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range keys.Env {
		t.Setenv(k, v)
	}
	t.Setenv("NATS_SERVER_NAME", "nats-1")
	opts, err := server.ProcessConfigFile("nats.conf")
	if err != nil {
		t.Fatalf("nats.conf: %v", err)
	}
	checkOptions(t, opts, keys)
	// One node on loopback: no routes (their host names resolve only on
	// the compose network), no monitoring port, storage in the test's
	// directory, and TLS with a certificate made here.
	opts.Cluster, opts.Routes, opts.RoutesStr = server.ClusterOpts{}, nil, ""
	opts.Host, opts.Port, opts.HTTPPort = "127.0.0.1", server.RANDOM_PORT, 0
	opts.StoreDir, opts.NoSigs, opts.NoLog = t.TempDir(), true, true
	cert := tlstest.New(t, "127.0.0.1")
	opts.TLS, opts.TLSConfig, opts.TLSTimeout = true, &tls.Config{Certificates: []tls.Certificate{cert.Pair}, MinVersion: tls.VersionTLS12}, 5
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(30 * time.Second) {
		t.Fatal("nats-server did not start")
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return &cluster{srv: s, url: s.ClientURL(), keys: keys, ca: cert.CAFile}
}

// checkOptions compares what nats-server read with what facetriage means.
func checkOptions(t *testing.T, opts *server.Options, keys bus.DeployKeys) {
	t.Helper()
	if opts.MaxPayload != bus.MaxPayload {
		t.Errorf("max_payload %d, want bus.MaxPayload %d", opts.MaxPayload, bus.MaxPayload)
	}
	if opts.JetStreamKey != keys.Env["FACETRIAGE_NATS_STORE_KEY"] || opts.JetStreamCipher != server.AES {
		t.Error("the store is not encrypted with the deployment's key")
	}
	if opts.Cluster.Username != "route" || opts.Cluster.Password != keys.Env["FACETRIAGE_ROUTE_PASSWORD"] || len(opts.Routes) != 3 ||
		opts.Routes[0].User.Username() != "route" {
		t.Errorf("the cluster's routes are not authenticated: %+v %v", opts.Cluster, opts.Routes)
	}
	if len(opts.Users) > 0 || opts.NoAuthUser != "" || len(opts.Nkeys) != len(bus.DeployRoles)+1 {
		t.Fatalf("users: %d with passwords, no_auth_user %q, %d NKEY users", len(opts.Users), opts.NoAuthUser, len(opts.Nkeys))
	}
	for _, u := range opts.Nkeys {
		role := ""
		for _, r := range append(bus.DeployRoles[:len(bus.DeployRoles):len(bus.DeployRoles)], bus.RoleOps) {
			if keys.Env[bus.NKeyEnv(r)] == u.Nkey {
				role = r
			}
		}
		if want := bus.Permissions(role); role == "" || !reflect.DeepEqual(u.Permissions, want) {
			t.Errorf("NKEY user %q (%s): permissions differ from bus.Permissions", u.Nkey, role)
		}
	}
}

// conn is a connection as one role's user.
type conn struct {
	nc *nats.Conn
	js jetstream.JetStream
	v  *bustest.Violations
}

func (c *cluster) dial(t *testing.T, role string) *conn {
	t.Helper()
	opts, err := bus.Client{URL: c.url, Role: role, NKeyFile: c.keys.Seeds[role], TLSCA: c.ca, Name: role}.Options()
	if err != nil {
		t.Fatal(err)
	}
	v := &bustest.Violations{}
	nc, err := nats.Connect(c.url, append(opts, nats.ErrorHandler(v.Handler))...)
	if err != nil {
		t.Fatalf("%s: %v", role, err)
	}
	t.Cleanup(nc.Close)
	js, _ := jetstream.New(nc)
	return &conn{nc: nc, js: js, v: v}
}

// denied runs what the user may not do: the server refuses it.
func (c *conn) denied(t *testing.T, subject string, call func(ctx context.Context) error) {
	t.Helper()
	bustest.Denied(t, c.v, subject, call)
}

func publish(c *conn, subject string) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := c.js.Publish(ctx, subject, []byte("forged"))
		return err
	}
}

// TestEachComponentHasItsLeastPermissions loads nats.conf into a real
// nats-server and runs the pipeline with each stage as its own NATS user
// (over TLS): the photos are indexed and a bad one is recorded, so the
// permissions suffice. A worker's user cannot read accounts, forge a token,
// append to the audit trail or reconfigure or delete it, nor administer
// streams; the api user appends to the trail but cannot delete or
// reconfigure it; the ops user can. A client without a key is refused.
func TestEachComponentHasItsLeastPermissions(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := startCluster(t)
	if nc, err := nats.Connect(c.url, nats.RootCAs(c.ca)); err == nil {
		nc.Close()
		t.Fatal("a client without a key connected")
	} else if !errors.Is(err, nats.ErrAuthorization) {
		t.Fatalf("a client without a key: %v", err)
	}

	api := c.dial(t, bus.RoleAPI)
	if err := (bus.Topology{Replicas: 1}).Ensure(ctx, api.js); err != nil {
		t.Fatal(err)
	}
	lg, err := audit.Open(ctx, api.js, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lg.Append(ctx, audit.Event{Actor: "alice", Action: "login"}); err != nil {
		t.Fatalf("the api user cannot append to the audit trail: %v", err)
	}
	as, err := auth.Open(ctx, api.js, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := as.AddUser(ctx, "alice", auth.RoleCaseworker, "correct horse battery staple"); err != nil {
		t.Fatal(err)
	}

	runPipeline(t, ctx, c, api)

	for _, role := range []string{bus.RoleDecode, bus.RoleFaces, bus.RoleIndex} {
		w := c.dial(t, role)
		w.denied(t, "$JS.API.STREAM.INFO.KV_"+auth.BucketUsers, func(ctx context.Context) error {
			_, err := w.js.KeyValue(ctx, auth.BucketUsers)
			return err
		})
		w.denied(t, "$JS.API.DIRECT.GET.KV_ft_users.$KV.ft_users.alice", func(ctx context.Context) error {
			_, err := w.nc.RequestWithContext(ctx, "$JS.API.DIRECT.GET.KV_ft_users.$KV.ft_users.alice", nil)
			return err
		})
		w.denied(t, "$KV.ft_tokens.forged", publish(w, "$KV.ft_tokens.forged"))
		w.denied(t, "ft.audit.sys", publish(w, "ft.audit.sys"))
		w.denied(t, "$JS.API.STREAM.UPDATE.FT_AUDIT", func(ctx context.Context) error {
			_, err := w.js.UpdateStream(ctx, jetstream.StreamConfig{Name: audit.StreamName, Subjects: []string{"ft.audit.>"}, MaxMsgs: 1})
			return err
		})
		w.denied(t, "$JS.API.STREAM.DELETE.FT_AUDIT", func(ctx context.Context) error { return w.js.DeleteStream(ctx, audit.StreamName) })
		w.denied(t, "$JS.API.STREAM.DELETE.KV_ft_audit_head", func(ctx context.Context) error { return w.js.DeleteKeyValue(ctx, audit.BucketHead) })
		w.denied(t, "$JS.API.STREAM.CREATE.FT_EVIL", func(ctx context.Context) error {
			_, err := w.js.CreateStream(ctx, jetstream.StreamConfig{Name: "FT_EVIL", Subjects: []string{"ft.audit.x.>"}})
			return err
		})
		sub, err := w.nc.Subscribe("$KV.ft_users.>", func(*nats.Msg) {})
		if err == nil {
			w.nc.Flush()
			bustest.CheckFor(t, 5*time.Second, 20*time.Millisecond, func() error {
				if !w.v.Saw("$KV.ft_users.>") {
					return errors.New("a worker subscribed to the accounts' updates")
				}
				return nil
			})
			sub.Unsubscribe()
		}
	}
	api.denied(t, "$JS.API.STREAM.DELETE.FT_AUDIT", func(ctx context.Context) error { return api.js.DeleteStream(ctx, audit.StreamName) })
	api.denied(t, "$JS.API.STREAM.UPDATE.FT_AUDIT", func(ctx context.Context) error {
		_, err := api.js.UpdateStream(ctx, jetstream.StreamConfig{Name: audit.StreamName, Subjects: []string{"ft.audit.>"}, MaxMsgs: 1,
			DenyDelete: true, DenyPurge: true})
		return err
	})
	if _, err := lg.Append(ctx, audit.Event{Actor: "alice", Action: "logout"}); err != nil {
		t.Fatal(err)
	}
	if rep, err := lg.Verify(ctx); err != nil || !rep.OK() || rep.Records != 2 {
		t.Fatalf("audit: %+v, %v", rep, err)
	}
	ops := c.dial(t, bus.RoleOps)
	if err := ops.js.DeleteStream(ctx, audit.StreamName); err != nil {
		t.Fatalf("the ops user: %v", err)
	}
}

// runPipeline runs each stage on its own user's connection and ingests
// three photos and a file that is no photo, as the api user.
func runPipeline(t *testing.T, ctx context.Context, c *cluster, api *conn) {
	t.Helper()
	dir := t.TempDir()
	for i := range 3 {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%d.png", i)), facetest.Photo(facetest.Spec{Person: uint8(i)}), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "not-a-photo.jpg"), []byte("text"), 0o644)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	names, _ := archive.NewNameParser(archive.DefaultPatterns)
	store := memstore.New()
	rctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	for _, role := range []string{bus.RoleDecode, bus.RoleFaces, bus.RoleIndex} {
		w := c.dial(t, role)
		cat, err := archive.Open(ctx, w.js)
		if err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		pub := bus.Publisher{JS: w.js}
		st := map[string]pipeline.Stage{
			bus.RoleDecode: &decode.Stage{Catalogue: cat, Publisher: pub, Names: names, Limits: imgfile.Limits{MaxPixels: 1e8, MinSide: 20}},
			bus.RoleFaces:  &faces.Stage{Engine: facetest.Engine{}, Catalogue: cat, Publisher: pub, Model: "test"},
			bus.RoleIndex:  &index.Stage{Catalogue: cat, Store: store},
		}[role]
		r := &pipeline.Runner{NC: w.nc, JS: w.js, Stage: st, Failures: cat, Log: log, Backoff: []time.Duration{10 * time.Millisecond}}
		wg.Add(1)
		go func() { defer wg.Done(); r.Run(rctx) }()
		t.Cleanup(func() {
			if all := w.v.All(); len(all) > 0 {
				t.Errorf("%s: errors while working: %v", role, all)
			}
		})
	}
	cat, err := archive.Open(ctx, api.js)
	if err != nil {
		t.Fatal(err)
	}
	in := &ingest.Ingester{Publisher: bus.Publisher{JS: api.js}, Catalogue: cat}
	sum, err := in.Run(ctx, ingest.Options{Paths: []string{dir}, Source: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Indexed != 3 || sum.Failed != 1 {
		t.Fatalf("ingest with each stage as its own user: %+v", sum)
	}
}

// A worker started before the streams exist waits for them (its user may
// not create them) and starts once serve, or `facetriage status`, has
// made them as the api user; both reach the cluster through the options
// of the command line (--nats, --nats-nkey, --nats-tls-ca).
func TestWorkerWaitsForTheTopologyAndConnectsWithItsKey(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := startCluster(t)
	cfg := func(role string) config.Config {
		return config.Config{NATS: c.url, NATSNKey: c.keys.Seeds[role], NATSTLSCA: c.ca, Replicas: 1}
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	type result struct {
		rt  *app.Runtime
		err error
	}
	done := make(chan result, 1)
	go func() {
		rt, err := app.ConnectWorker(ctx, cfg(bus.RoleDecode), log, bus.RoleDecode)
		done <- result{rt, err}
	}()
	select {
	case r := <-done:
		t.Fatalf("the worker started before the streams existed: %v", r.err)
	case <-time.After(time.Second):
	}
	api, err := app.Connect(ctx, cfg(bus.RoleAPI), log, app.OwnOrAttach)
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	defer r.rt.Close()
	if _, err := r.rt.Catalog.CountFaces(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := app.ConnectWorker(ctx, config.Config{NATS: c.url, NATSTLSCA: c.ca}, log, bus.RoleDecode); !errors.Is(err, nats.ErrAuthorization) {
		t.Fatalf("a worker without its key: %v", err)
	}
}
