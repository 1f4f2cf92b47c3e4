package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/vector"
	"github.com/facetriage/facetriage/workers/faces"
)

type workerCmd struct {
	Stage     string `name:"stage" required:"" enum:"decode,faces,index" help:"The stage to run: decode, faces or index."`
	Instances int    `name:"instances" help:"Concurrent consumers (default: decode 2, faces one per recognizer, index 1)."`
}

// Run runs one stage against a NATS cluster, for the scale-out mode, as the
// stage's NATS user (--nats-creds, --nats-nkey or --nats-userpass; see
// deploy/), which may not create streams: serve, or `facetriage status`,
// creates them as the api user.
func (c *workerCmd) Run(e *env) error {
	if e.cfg.Embedded() {
		return usageError{errors.New("worker needs --nats URL (a JetStream cluster); the embedded mode runs every stage inside `facetriage serve`")}
	}
	rt, err := app.ConnectWorker(e.ctx, e.cfg, e.log, c.Stage)
	if err != nil {
		return err
	}
	defer rt.Close()
	var w app.Workers
	var eng faces.Engine
	var store vector.Store
	switch c.Stage {
	case bus.StageDecode:
		w.Decode = max(c.Instances, 2)
	case bus.StageFaces:
		ne, err := rt.OpenEngine(func(o *engine.Options) { o.Crops = true })
		if err != nil {
			return err
		}
		eng, w.Faces = ne, ne.Pool.Size()
		if c.Instances > 0 {
			w.Faces = c.Instances
		}
	case bus.StageIndex:
		if e.cfg.Qdrant == "" {
			return usageError{errors.New("the index stage in scale-out mode needs --qdrant host:port")}
		}
		if store, err = rt.OpenStore(e.ctx); err != nil {
			return err
		}
		w.Index = max(c.Instances, 1)
	}
	httpSrv, addr, err := listen(e, healthAndMetrics(rt), "", "")
	if err != nil {
		return err
	}
	defer httpSrv.Close()
	e.log.Info("worker running", "stage", c.Stage, "nats", e.cfg.NATS, "http", addr)
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	wait, err := rt.RunWorkers(ctx, w, eng, store)
	if err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	<-ctx.Done()
	wait()
	return nil
}
