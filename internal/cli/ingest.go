package cli

import (
	"context"
	"fmt"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/casework"
	"github.com/facetriage/facetriage/internal/engine/native"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/vector"
)

type ingestCmd struct {
	Source      string   `name:"source" help:"Name of the collection these photos belong to (e.g. caesar); used to group individuals and to filter."`
	RetryFailed bool     `name:"retry-failed" help:"Send photos that failed before through the pipeline again (not with --server)."`
	NoProgress  bool     `name:"no-progress" help:"No progress output."`
	Server      string   `name:"server" env:"FACETRIAGE_SERVER" placeholder:"URL" help:"Ingest through a facetriage server's HTTP API (e.g. https://host:8650), from any machine: archives are streamed, photos and folders sent as one multipart upload. Needs --token."`
	Token       string   `name:"token" env:"FACETRIAGE_TOKEN" help:"API token of an account with the ingest role, for --server (better given as FACETRIAGE_TOKEN)."`
	Paths       []string `arg:"" name:"path" type:"path" help:"Photos, folders, zip or tar archives."`
}

// Help is shown by --help below the flags.
func (c *ingestCmd) Help() string {
	return `Progress goes to standard error: a progress bar on a terminal, plain lines otherwise.

Exit codes: 0 every entry is through (indexed, without a face, or done before);
1 the ingest could not run (no server, a refused token, a full disk, interrupted);
2 the command line is wrong; 3 it ran, and some files failed or could not be read
(each is listed by ` + "`facetriage status`" + `, or in the job with --server).`
}

// Run publishes the photos and waits until each is indexed or failed. With
// a serve running on DATA, its workers do the work; otherwise this process
// runs the whole pipeline for the duration. With --server, a server does it
// all over HTTP.
func (c *ingestCmd) Run(e *env) error {
	if c.Server != "" || c.Token != "" {
		return c.remote(e)
	}
	rt, err := app.Connect(e.ctx, e.cfg, e.log, app.OwnOrAttach)
	if err != nil {
		return err
	}
	defer rt.Close()
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	wait := func() {}
	var store vector.Store
	var eng *native.Engine
	if rt.Owner() {
		p, err := rt.RunPipeline(ctx)
		if err != nil {
			return err
		}
		store, eng, wait = p.Store, p.Engine, p.Wait
		e.log.Debug("no serve running: this process runs the pipeline", "data", e.cfg.DataDirOrDefault())
	} else if rt.Attached != nil {
		e.log.Debug("attached to the running serve", "pid", rt.Attached.PID)
	}
	opts := ingest.Options{Paths: c.Paths, Source: c.Source, Patterns: e.cfg.Patterns, RetryFailed: c.RetryFailed, Log: e.log,
		Storage: rt.Storage()}
	if !c.NoProgress {
		opts.Progress = e.stderr
	}
	in := &ingest.Ingester{Publisher: rt.Publisher(), Catalogue: rt.Catalog}
	sum, err := in.Run(ctx, opts)
	cancel()
	wait()
	fmt.Fprintln(e.stdout, sum.String())
	if err != nil {
		return err
	}
	if sum.Indexed > 0 {
		if err := c.standingSearch(e, rt, store, eng); err != nil {
			return err
		}
	}
	if sum.AnyFailed() {
		return someFailed{fmt.Errorf("%d failed, %d could not be read", sum.Failed, sum.Unreadable)}
	}
	return nil
}

// someFailed: the command ran, and some files failed (ExitSomeFailed).
type someFailed struct{ error }

// standingSearch matches every open case again: here when this process
// owns the data (no serve runs), otherwise by telling the serve that runs.
func (c *ingestCmd) standingSearch(e *env, rt *app.Runtime, store vector.Store, eng *native.Engine) error {
	if !rt.Owner() {
		return rt.AnnounceIngest()
	}
	deps, err := rt.Casework(e.ctx, store, eng, func(p *casework.Parts) { p.UploadDir = "" }) // takes up no ingest job
	if err != nil {
		return err
	}
	defer deps.IngestJobs.Close()
	flagged, err := deps.Cases.Rematch(e.ctx)
	if err != nil {
		return fmt.Errorf("standing search: %w", err)
	}
	for id, n := range flagged {
		fmt.Fprintf(e.stdout, "case %s: %d new candidate(s) flagged for review\n", id, n)
	}
	return nil
}
