package cli

import (
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

type statusCmd struct {
	Failures int `name:"failures" default:"50" help:"List at most this many failures (0: all)."`
	Flagged  int `name:"flagged" default:"50" help:"List at most this many individuals flagged for review (0: all)."`
	Slowest  int `name:"slowest" default:"10" help:"List this many of the photos whose search for faces took longest (0: none)."`
}

func (c *statusCmd) Run(e *env) error {
	rt, err := app.Connect(e.ctx, e.cfg, e.log, app.OwnOrAttach)
	if err != nil {
		return err
	}
	defer rt.Close()
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STAGE\tWAITING\tIN PROGRESS\tREDELIVERED")
	for _, stage := range bus.Stages {
		cons, err := rt.JS.Consumer(e.ctx, bus.StreamOf(stage), stage)
		if err != nil {
			return err
		}
		ci, err := cons.Info(e.ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", stage, ci.NumPending, ci.NumAckPending, ci.NumRedelivered)
	}
	tw.Flush()
	counts := map[archive.Status]int{}
	photos, copies := 0, 0
	var costs searchCosts
	if err := rt.Catalog.Photos(e.ctx, func(p archive.Photo) error {
		costs.add(p)
		counts[p.Status]++
		photos++
		if p.DuplicateOf != "" {
			copies++
		}
		return nil
	}); err != nil {
		return err
	}
	faces, err := rt.Catalog.CountFaces(e.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nphotos: %d catalogued, %d indexed, %d without a face, %d failed, %d in the pipeline; faces: %d\n",
		photos, counts[archive.StatusIndexed], counts[archive.StatusNoFace], counts[archive.StatusFailed],
		counts[archive.StatusDecoded]+counts[archive.StatusEmbedded]+counts[""], faces)
	if err := costs.write(e.stdout, c.Slowest); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "near-duplicates: %d photos are copies of another (re-encoded, resized or cropped); their faces count once\n", copies)
	var flagged []archive.Individual
	if err := rt.Catalog.Individuals(e.ctx, func(ind archive.Individual) error {
		if ind.Flagged() {
			flagged = append(flagged, ind)
		}
		return nil
	}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "individuals to review: %d\n", len(flagged))
	if len(flagged) > 0 {
		if err := writeFlagged(e.stdout, flagged, c.Flagged); err != nil {
			return err
		}
	}
	fails, err := rt.Catalog.Failures(e.ctx)
	if err != nil {
		return err
	}
	if len(fails) == 0 {
		fmt.Fprintln(e.stdout, "failures: none")
		return nil
	}
	sort.SliceStable(fails, func(i, j int) bool { return fails[i].Stage < fails[j].Stage })
	fmt.Fprintf(e.stdout, "failures: %d\n", len(fails))
	return writeFailures(e.stdout, fails, c.Failures)
}

// writeFlagged prints the individuals flagged for review, at most limit
// (0: all): the faces that agree with no other face of their number, and
// the other numbers that hold a copy of one of their photographs.
func writeFlagged(w io.Writer, inds []archive.Individual, limit int) error {
	sort.Slice(inds, func(i, j int) bool { return inds[i].Key < inds[j].Key })
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INDIVIDUAL\tPHOTOS\tWHY\tDETAIL")
	for i, ind := range inds {
		if limit > 0 && i == limit {
			fmt.Fprintf(tw, "…\t%d more (--flagged 0 lists all)\n", len(inds)-i)
			break
		}
		for _, d := range ind.Disagreeing {
			fmt.Fprintf(tw, "%s\t%d\tface disagrees with the others\tface %d of %s: median distance %.3f, nearest %.3f\n",
				shown(ind.Key), len(ind.Photos), d.Face, shown(d.Photo), d.Median, d.Nearest)
		}
		for _, o := range ind.AlsoFiledAs {
			fmt.Fprintf(tw, "%s\t%d\tphotograph also filed under\t%s\n", shown(ind.Key), len(ind.Photos), shown(o))
		}
	}
	return tw.Flush()
}

// writeFailures prints failure records as a table, at most limit of them
// (0: all). Every field goes through shown: a file name is the archive's
// author's text, and must not reach the operator's terminal as escape
// sequences.
func writeFailures(w io.Writer, fails []*facetriagepb.Failure, limit int) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tSTAGE\tKIND\tERROR KIND\tPATH\tSHA-256\tERROR")
	for i, f := range fails {
		if limit > 0 && i == limit {
			fmt.Fprintf(tw, "…\t%d more (--failures 0 lists all)\n", len(fails)-i)
			break
		}
		when := time.Unix(f.TimeUnix, 0).UTC().Format(time.RFC3339)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", when, shown(f.Stage), shown(f.Kind), shown(f.ErrorKind),
			shown(f.Path), shown(f.Sha256), shown(f.Error))
	}
	return tw.Flush()
}

// shownMax bounds a field on the terminal; the record keeps all of it.
const shownMax = 512

// shown makes a recorded string safe to print (archive.Printable: control
// characters, bytes that are not UTF-8 and characters that reorder text are
// written \#ooo) and shortens a very long one.
func shown(s string) string {
	s = archive.Printable(s)
	if len(s) <= shownMax {
		return s
	}
	cut := shownMax
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:cut], len(s))
}
