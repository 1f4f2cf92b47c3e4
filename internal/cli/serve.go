package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/web"
)

type serveCmd struct {
	Ingest  []string `name:"ingest" type:"path" help:"After starting, ingest these photos, folders or archives (as 'facetriage ingest' would)."`
	Source  string   `name:"source" help:"Source name for --ingest."`
	TLSCert string   `name:"tls-cert" type:"existingfile" env:"FACETRIAGE_TLS_CERT" help:"Serve HTTPS with this certificate (PEM); needed beyond loopback."`
	TLSKey  string   `name:"tls-key" type:"existingfile" env:"FACETRIAGE_TLS_KEY" help:"The certificate's key (PEM)."`
}

func (c *serveCmd) Run(e *env) error {
	rt, err := app.Connect(e.ctx, e.cfg, e.log, app.Own)
	if err != nil {
		return err
	}
	defer rt.Close()
	store, err := rt.OpenStore(e.ctx)
	if err != nil {
		return err
	}
	if n, err := rt.SyncIndex(e.ctx, store); err != nil {
		return fmt.Errorf("serve: rebuilding the index: %w", err)
	} else if n > 0 {
		e.log.Info("index rebuilt from the face records", "faces", n)
	}
	rt.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "facetriage_index_faces", Help: "Faces in the vector index.",
	}, func() float64 {
		n, _ := store.Count(context.Background())
		return float64(n)
	}))
	eng, faceWorkers, err := serveEngine(e, rt)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	wait := func() {}
	if rt.Owner() {
		if wait, err = rt.RunWorkers(ctx, app.Workers{Decode: 2, Faces: faceWorkers, Index: 1}, eng, store); err != nil {
			return err
		}
	}
	deps, err := rt.Casework(ctx, store, eng)
	if err != nil {
		return err
	}
	defer deps.IngestJobs.Close() // a running job runs again at the next start
	deps.Secure = c.TLSCert != ""
	rt.Storage() // watch the store from now on: readiness, and recovery from a full disk
	deps.Ready = func(ctx context.Context) error {
		if err := rt.Ready(ctx, store); err != nil {
			return err
		}
		// Nothing is done without its audit record: no trail, not ready.
		rep, err := deps.Audit.Check(ctx)
		if err != nil {
			return fmt.Errorf("the audit trail cannot be read: %w", err)
		}
		if !rep.OK() {
			return fmt.Errorf("the audit trail fails its check (%s): run `facetriage audit verify`", rep.Problems[0].Reason)
		}
		return nil
	}
	if err := rt.WatchIngests(ctx, deps.Cases); err != nil {
		return err
	}
	httpSrv, addr, err := listen(e, handler(deps), c.TLSCert, c.TLSKey)
	if err != nil {
		return err
	}
	if rt.Owner() {
		if err := app.WriteServeInfo(e.cfg.DataDirOrDefault(), app.ServeInfo{NATS: rt.Embedded.URL(), HTTP: "http://" + addr, PID: os.Getpid()}); err != nil {
			return err
		}
		defer app.RemoveServeInfo(e.cfg.DataDirOrDefault())
	}
	e.log.Info("serving", "http", "http://"+addr, "data", e.cfg.DataDirOrDefault(), "embedded", rt.Owner())
	if len(c.Ingest) > 0 {
		go func() {
			in := &ingest.Ingester{Publisher: rt.Publisher(), Catalogue: rt.Catalog}
			sum, err := in.Run(ctx, ingest.Options{Paths: c.Ingest, Source: c.Source, Patterns: e.cfg.Patterns, Log: e.log, Storage: rt.Storage()})
			if err != nil {
				e.log.Error("ingest failed", "err", err)
				return
			}
			e.log.Info("ingest done", "summary", sum.String())
			if err := rt.AnnounceIngest(); err != nil {
				e.log.Error("cannot announce the ingest", "err", err)
			}
		}()
	} else {
		fmt.Fprintf(e.stderr, "facetriage is serving on http://%s\nto ingest photos: facetriage ingest --data %s [--source NAME] PATH...\n", addr, e.cfg.DataDirOrDefault())
	}
	if us, err := deps.Auth.Users(ctx); err == nil && len(us) == 0 {
		fmt.Fprintf(e.stderr, "there is no account yet; add the first (the password is read from standard input):\n  facetriage users add --data %s --role admin NAME\n", e.cfg.DataDirOrDefault())
	}
	<-ctx.Done()
	shut, cancelShut := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelShut()
	_ = httpSrv.Shutdown(shut)
	cancel()
	wait()
	return nil
}

// serveEngine opens the face engine, with crops, and says how many faces
// workers it can feed. A binary built without the engine serves all the
// same: photos are catalogued and wait in the faces queue for a build with
// it, and what needs a face found in a photo (reference photos, searches
// by photo) fails with engine.ErrNoFaceEngine.
func serveEngine(e *env, rt *app.Runtime) (search.Engine, int, error) {
	eng, err := rt.OpenEngine(func(o *engine.Options) { o.Crops = true })
	if errors.Is(err, engine.ErrNoFaceEngine) {
		e.log.Warn("serving without the face engine: photos are catalogued but wait for a faces worker; reference photos and searches by photo are refused", "err", err)
		return engine.Unavailable{}, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	return eng, eng.Pool.Size(), nil
}

// handler is the API, the web UI and the permission matrix around both.
func handler(d *api.Deps) http.Handler {
	return d.Handler(web.LoginPath, d.Routes(), web.Routes(d))
}

// listen starts the HTTP server on cfg.HTTP (HTTPS with a certificate) and
// returns its address. Beyond loopback it insists on TLS: sessions and
// photos must not cross a network in clear.
func listen(e *env, h http.Handler, cert, key string) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", e.cfg.HTTP)
	if err != nil {
		return nil, "", fmt.Errorf("http: %w", err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() && cert == "" {
		e.log.Warn("the HTTP server listens beyond loopback without TLS: put it behind a TLS proxy, or pass --tls-cert and --tls-key", "addr", ln.Addr().String())
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		var err error
		if cert != "" {
			err = srv.ServeTLS(ln, cert, key)
		} else {
			err = srv.Serve(ln)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.log.Error("http server stopped", "err", err)
		}
	}()
	return srv, ln.Addr().String(), nil
}
