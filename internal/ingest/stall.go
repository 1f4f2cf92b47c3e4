package ingest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// Storage says whether the store takes writes (app.Runtime.Storage): nil,
// or an error that says why not, such as insufficient storage in the data
// directory.
type Storage interface {
	Check(ctx context.Context) error
}

// Stall reporting.
const (
	// recheck is how often a paused ingest asks the store again.
	recheck = 2 * time.Second
	// quiet is how long the wait for the pipeline may see no photo finish
	// before ingest says so.
	quiet = time.Minute
	// publishTimeout bounds one publish: a stream that hit a full disk
	// never answers, and the caller's deadline may be hours away.
	publishTimeout = 10 * time.Second
)

// gate holds publishing while the store cannot write, and says why, in the
// log and on the progress output, whenever that changes: a full disk makes
// the pipeline stop, and ingest must not look frozen. It is used by one
// goroutine.
type gate struct {
	storage  Storage
	log      *slog.Logger
	out      io.Writer // the progress output, or nil
	cause    error     // why the store cannot write, while it cannot
	progress time.Time // when a photo last finished, or the wait began
	quietLog bool      // the quiet has been reported
}

func newGate(s Storage, log *slog.Logger, out io.Writer) *gate {
	return &gate{storage: s, log: log, out: out, progress: time.Now()}
}

// hold returns once the store takes writes. While it does not, it waits,
// and returns the cause when ctx ends first.
func (g *gate) hold(ctx context.Context) error {
	if g.storage == nil {
		return nil
	}
	for {
		if !g.look(ctx) {
			return nil
		}
		select {
		case <-ctx.Done():
			return g.stopped(ctx.Err())
		case <-time.After(recheck):
		}
	}
}

// publish runs one publish attempt within publishTimeout.
func (g *gate) publish(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	return f(ctx)
}

// look checks the store and reports a change; it reports whether the store
// cannot write.
func (g *gate) look(ctx context.Context) bool {
	if g.storage == nil {
		return false
	}
	err := g.storage.Check(ctx)
	switch {
	case err != nil && ctx.Err() != nil:
		return g.cause != nil
	case err != nil && (g.cause == nil || err.Error() != g.cause.Error()):
		g.log.Warn("ingest paused: the store cannot write; it resumes by itself once it can", "cause", err)
		g.say("ingest paused: %v", err)
	case err == nil && g.cause != nil:
		g.log.Info("ingest resumed: the store takes writes again")
		g.say("ingest resumed")
	}
	g.cause = err
	return err != nil
}

// observe is called while ingest waits for the pipeline, with whether a
// photo finished since the last call: it reports a store that cannot write,
// and a pipeline that has finished nothing for a while.
func (g *gate) observe(ctx context.Context, progressed bool, inFlight int) {
	if progressed {
		g.progress, g.quietLog = time.Now(), false
	}
	if g.look(ctx) || g.quietLog || time.Since(g.progress) < quiet {
		return
	}
	g.quietLog = true
	g.log.Warn("ingest waiting: no photo has finished for a while; `facetriage status` shows what waits in each stage",
		"in_flight", inFlight, "since", g.progress.Format(time.RFC3339))
	g.say("ingest waiting: no photo has finished since %s (%d in flight); `facetriage status` shows each stage's queue",
		g.progress.Format("15:04:05"), inFlight)
}

// stopped is err, with the store's trouble when there is one: what ingest
// returns when it stops.
func (g *gate) stopped(err error) error {
	if g.cause == nil {
		return err
	}
	return fmt.Errorf("%w, while the store cannot write: %w", err, g.cause)
}

func (g *gate) say(format string, v ...any) {
	if g.out != nil {
		fmt.Fprintf(g.out, "\n"+format+"\n", v...)
	}
}
