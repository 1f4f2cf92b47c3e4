// Package cli defines facetriage's subcommands and runs them. The grammar is
// one struct for kong; the shared options are config.Config.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/alecthomas/kong"

	"github.com/facetriage/facetriage/internal/config"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1 // the command could not do its work (models missing, …)
	ExitUsage = 2 // the command line is wrong
	// ExitSomeFailed: the command ran, and some of its files failed
	// (ingest: a photo a stage gave up on, an entry that could not be read).
	ExitSomeFailed = 3
)

// grammar is the whole command line.
type grammar struct {
	config.Config `embed:""`

	Serve      serveCmd      `cmd:"" help:"Run the embedded default: NATS JetStream, every worker, the index and the HTTP API."`
	Ingest     ingestCmd     `cmd:"" help:"Bring photos, folders, zip or tar archives into the archive; waits until each is indexed or failed."`
	Search     searchCmd     `cmd:"" help:"Rank the individuals whose faces are nearest to the face in a photo."`
	Status     statusCmd     `cmd:"" help:"Counts per stage and of photos, and the failures."`
	Worker     workerCmd     `cmd:"" help:"Run one pipeline stage against a NATS cluster (scale-out mode)."`
	Users      usersCmd      `cmd:"" help:"Manage accounts and API tokens."`
	Audit      auditCmd      `cmd:"" help:"Check the audit trail, keep its head elsewhere, or start a new trail over a damaged one."`
	Keys       keysCmd       `cmd:"" help:"The installation's signing key (audit head, evidence exports)."`
	Export     exportCmd     `cmd:"" help:"Signed evidence exports: check one offline."`
	Backup     backupCmd     `cmd:"" help:"Write an encrypted, consistent snapshot of every stream (serve may run)."`
	Restore    restoreCmd    `cmd:"" help:"Make a new data directory (--data NEWDIR) from a backup."`
	DeployKeys deployKeysCmd `cmd:"" name:"deploy-keys" help:"Make the NATS keys of a scale-out deployment (see deploy/README.md)."`
	Eval       evalCmd       `cmd:"" help:"Measure triage accuracy on a labelled dataset (family photo → archive) and choose the match thresholds."`
	Embed      embedCmd      `cmd:"" help:"Find and describe every face in photos; one line per photo."`
	Models     modelsCmd     `cmd:"" help:"Install and check the dlib model files."`
}

// env is what every subcommand's Run receives.
type env struct {
	ctx    context.Context
	cfg    config.Config
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

// Run parses args, runs the chosen subcommand and returns the exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var g grammar
	exit := -1
	parser, err := kong.New(&g,
		kong.Name("facetriage"),
		kong.Description("Face-similarity triage for archives of detainee photos."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exit = code }),
		kong.UsageOnError(),
	)
	if err != nil {
		fmt.Fprintln(stderr, "facetriage:", err)
		return ExitError
	}
	kctx, err := parser.Parse(args)
	if exit >= 0 { // --help
		return exit
	}
	if err != nil {
		fmt.Fprintln(stderr, "facetriage:", err)
		return ExitUsage
	}
	e := &env{ctx: ctx, cfg: g.Config, stdout: stdout, stderr: stderr, log: newLogger(stderr, g.LogLevel)}
	if err := kctx.Run(e); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, "facetriage:", err)
			return ExitUsage
		}
		var sf someFailed
		if errors.As(err, &sf) {
			fmt.Fprintln(stderr, "facetriage: some files failed:", err)
			return ExitSomeFailed
		}
		fmt.Fprintln(stderr, "facetriage:", err)
		return ExitError
	}
	return ExitOK
}

// usageError marks a bad command line found after parsing.
type usageError struct{ error }

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
