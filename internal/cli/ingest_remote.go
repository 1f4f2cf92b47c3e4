package cli

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/ingestjobs"
)

// pollEvery is how often a job over HTTP is read while it runs.
const pollEvery = 2 * time.Second

// remote ingests through a server's API: each archive is its own job,
// streamed as it is; the other paths (photos, folders) go together as one
// multipart job. It waits for every job and prints plain progress lines.
func (c *ingestCmd) remote(e *env) error {
	if c.Server == "" || c.Token == "" {
		return usageError{errors.New("ingest over HTTP needs both --server and --token (an API token of an account with the ingest role)")}
	}
	if c.RetryFailed {
		return usageError{errors.New("--retry-failed is for an ingest on the server's machine, not with --server")}
	}
	cl := &ingestjobs.Client{URL: c.Server, Token: c.Token}
	var archives, loose []string
	for _, p := range c.Paths {
		if ingestjobs.IsArchive(p) {
			archives = append(archives, p)
		} else {
			loose = append(loose, p)
		}
	}
	progress := io.Writer(e.stderr)
	if c.NoProgress {
		progress = io.Discard
	}
	var total ingestjobs.Counts
	var ran []ingestjobs.Job
	follow := func(j ingestjobs.Job, what string) error {
		fmt.Fprintf(progress, "ingest: job %s started for %s\n", j.ID, what)
		last := ""
		done, err := cl.Wait(e.ctx, j.ID, pollEvery, func(j ingestjobs.Job) {
			if line := jobLine(j); line != last {
				fmt.Fprintln(progress, line)
				last = line
			}
		})
		if err != nil {
			return fmt.Errorf("job %s: %w", j.ID, err)
		}
		ran = append(ran, done)
		if done.State == ingestjobs.StateFailed {
			return fmt.Errorf("job %s could not run: %s", done.ID, done.Error)
		}
		addCounts(&total, done.Counts)
		return nil
	}
	for _, a := range archives {
		j, err := cl.SendArchive(e.ctx, a, c.Source)
		if err != nil {
			return fmt.Errorf("%s: %w", archive.Printable(a), err)
		}
		if err := follow(j, archive.Printable(a)); err != nil {
			return err
		}
	}
	if len(loose) > 0 {
		j, n, err := cl.SendPhotos(e.ctx, loose, c.Source)
		if err != nil {
			return err
		}
		if err := follow(j, fmt.Sprintf("%d files", n)); err != nil {
			return err
		}
	}
	fmt.Fprintln(e.stdout, countsLine(total))
	for _, j := range ran {
		for _, f := range j.Failures {
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", f.Result, f.Kind, archive.Printable(f.Path), archive.Printable(f.Reason))
		}
		if j.MoreFailures > 0 {
			fmt.Fprintf(e.stdout, "… and %d more in job %s\n", j.MoreFailures, j.ID)
		}
	}
	if total.Failed+total.Unreadable > 0 {
		return someFailed{fmt.Errorf("%d failed, %d could not be read", total.Failed, total.Unreadable)}
	}
	return nil
}

func addCounts(t *ingestjobs.Counts, c ingestjobs.Counts) {
	t.Found += c.Found
	t.Indexed += c.Indexed
	t.Faces += c.Faces
	t.DoneBefore += c.DoneBefore
	t.NoFace += c.NoFace
	t.Failed += c.Failed
	t.Unreadable += c.Unreadable
	t.Links += c.Links
	t.Other += c.Other
}

func summaryOf(c ingestjobs.Counts) ingest.Summary {
	return ingest.Summary{Seen: c.Found, Indexed: c.Indexed, Faces: c.Faces, Skipped: c.DoneBefore, NoFace: c.NoFace,
		Failed: c.Failed, Unreadable: c.Unreadable, Links: c.Links, Other: c.Other}
}

// jobLine is one plain progress line of a job.
func jobLine(j ingestjobs.Job) string {
	return fmt.Sprintf("%s [%s]", ingest.ProgressLine(summaryOf(j.Counts), j.Counts.Found), j.State)
}

func countsLine(c ingestjobs.Counts) string {
	return fmt.Sprintf("%d photos found: %d indexed now (%d faces), %d done before, %d without a face, %d failed, %d unreadable",
		c.Found, c.Indexed, c.Faces, c.DoneBefore, c.NoFace, c.Failed, c.Unreadable)
}
