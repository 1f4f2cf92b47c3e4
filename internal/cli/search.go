package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

type searchCmd struct {
	Photo  string   `name:"photo" required:"" type:"existingfile" help:"The reference photo (the family's photo)."`
	Top    int      `name:"top" default:"20" help:"How many individuals to list."`
	Face   int      `name:"face" default:"-1" help:"Which face of the photo to search for, counted from 0 left to right (default: the largest)."`
	JSON   bool     `name:"json" help:"Print the result as JSON."`
	Source []string `name:"source" help:"Only these sources (repeatable)."`
	Branch []string `name:"branch" help:"Only these branches (repeatable)."`
	From   string   `name:"from" help:"Only photos dated on or after (YYYY-MM-DD)."`
	To     string   `name:"to" help:"Only photos dated on or before (YYYY-MM-DD)."`
	Token  string   `name:"token" env:"FACETRIAGE_TOKEN" help:"API token (facetriage users token) for searching through a running serve."`
}

func (c *searchCmd) Run(e *env) error {
	if c.Top < 1 || c.Top > 1000 {
		return usageError{fmt.Errorf("--top %d: want 1 to 1000", c.Top)}
	}
	var f vector.Filter
	f.Sources, f.Branches = c.Source, c.Branch
	for _, d := range []struct {
		v string
		t *time.Time
	}{{c.From, &f.From}, {c.To, &f.To}} {
		if d.v != "" {
			t, err := time.Parse("2006-01-02", d.v)
			if err != nil {
				return usageError{fmt.Errorf("date %q: want YYYY-MM-DD", d.v)}
			}
			*d.t = t
		}
	}
	photo, err := imgfile.ReadFile(c.Photo)
	if err != nil {
		return err
	}
	req := search.Request{Photo: photo, Face: c.Face, Top: c.Top, Filter: f}
	res, err := c.search(e, req)
	if err != nil {
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(e.stdout, "searched face %d of %d, box %v, in an archive of %s faces of %s people\n", res.Used, res.Faces,
		boxString(res.Probe), match.Thousands(res.Archive.Faces), match.Thousands(res.Archive.Individuals))
	fmt.Fprintln(e.stdout, res.Summary)
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tDISTANCE\tSTRENGTH\tFPIR\tINDIVIDUAL\tPHOTOS\tBEST FACE\tBOX\tSHA-256")
	for _, cd := range res.Candidates {
		fmt.Fprintf(tw, "%d\t%.3f\t%s\t%.2g\t%s\t%d\t%s\t%s\t%s\n", cd.Rank, cd.Distance, cd.Strength, cd.FPIR, short(cd.Individual), cd.Photos,
			archive.Printable(cd.Path), boxString(cd.Box), cd.Photo)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "FPIR: the share of searches of this archive, without the person, that show a face this close.")
	if len(res.Candidates) > 0 && res.Candidates[0].Normalised {
		fmt.Fprintln(e.stdout, "Ranked, and worded, by the normalised score (--normalise: the distance weighed against how near the archive lies to both faces); --json shows it as \"score\".")
	}
	for _, s := range []match.Strength{match.Strong, match.Possible, match.Weak, match.Unlikely} {
		fmt.Fprintf(e.stdout, "%s: %s\n", s, match.Default().Meaning(s, res.Archive.Individuals))
	}
	return nil
}

// search runs in this process, or through the API of a running serve,
// which holds the embedded index.
func (c *searchCmd) search(e *env, req search.Request) (search.Result, error) {
	if e.cfg.Embedded() {
		if si, err := app.ReadServeInfo(e.cfg.DataDirOrDefault()); err == nil && si.HTTP != "" {
			if res, err := c.viaAPI(e, si.HTTP, req); !errors.Is(err, errUnreachable) {
				return res, err
			}
		}
	}
	rt, err := app.Connect(e.ctx, e.cfg, e.log, app.OwnOrAttach)
	if err != nil {
		return search.Result{}, err
	}
	defer rt.Close()
	store, err := rt.OpenStore(e.ctx)
	if err != nil {
		return search.Result{}, err
	}
	eng, err := rt.OpenEngine()
	if err != nil {
		return search.Result{}, err
	}
	lg, err := rt.OpenAudit(e.ctx)
	if err != nil {
		return search.Result{}, err
	}
	// Every search is on the audit trail, from the command line too.
	s := &search.Service{Searcher: &search.Searcher{Engine: eng, Store: store, Catalogue: rt.Catalog, Normalise: rt.Cfg.Normalise}, Audit: lg}
	return s.Search(e.ctx, operator(), req)
}

var errUnreachable = errors.New("serve unreachable")

func (c *searchCmd) viaAPI(e *env, base string, req search.Request) (search.Result, error) {
	var res search.Result
	q := url.Values{"top": {strconv.Itoa(req.Top)}}
	if req.Face >= 0 {
		q.Set("face", strconv.Itoa(req.Face))
	}
	q["source"], q["branch"] = req.Filter.Sources, req.Filter.Branches
	if !req.Filter.From.IsZero() {
		q.Set("from", req.Filter.From.Format("2006-01-02"))
	}
	if !req.Filter.To.IsZero() {
		q.Set("to", req.Filter.To.Format("2006-01-02"))
	}
	hr, err := http.NewRequestWithContext(e.ctx, http.MethodPost, base+"/api/v1/search?"+q.Encode(), bytes.NewReader(req.Photo))
	if err != nil {
		return res, err
	}
	if c.Token == "" {
		return res, usageError{fmt.Errorf("a serve runs on %s and holds the index: search through it with --token (create one on your account page in the web UI, or with `facetriage users token --user NAME LABEL`), or in the web UI", e.cfg.DataDirOrDefault())}
	}
	hr.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		return res, errUnreachable
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		var ae struct{ Error string }
		_ = json.Unmarshal(body, &ae)
		return res, fmt.Errorf("search: %s", ae.Error)
	}
	return res, json.Unmarshal(body, &res)
}

func boxString(b interface{ MarshalJSON() ([]byte, error) }) string {
	j, _ := b.MarshalJSON()
	return string(j)
}

// short keeps individual keys readable: a face key holds a whole hash.
func short(ind string) string {
	if len(ind) > 40 {
		return ind[:30] + "…" + ind[len(ind)-6:]
	}
	return ind
}
