package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/keys"
)

type auditCmd struct {
	Verify  auditVerifyCmd  `cmd:"" help:"Check the audit trail: its hash chain, its stream and settings, its anchor and the signed head file; exits 1 naming each problem. Creates nothing."`
	Head    auditHeadCmd    `cmd:"" help:"Print the trail's head signed with the installation key, to keep somewhere else; 'audit verify --head FILE' checks the trail against it later."`
	Restart auditRestartCmd `cmd:"" help:"Start a new trail over a damaged one (serve stopped): what remains is kept in DATA/audit-archive, and the new trail's first record names the old head."`
}

type auditVerifyCmd struct {
	Head string `name:"head" type:"existingfile" help:"A head printed earlier by 'audit head' and kept elsewhere: the trail must still reach it unchanged."`
}

func (c *auditVerifyCmd) Run(e *env) error {
	rt, err := app.Connect(e.ctx, e.cfg, e.log, app.OwnOrAttach)
	if err != nil {
		return err
	}
	defer rt.Close()
	rep, problems, err := inspectTrail(e, rt, c.Head)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p)
	}
	fmt.Fprintf(e.stdout, "%d records verified; head %d %s\n", rep.Records, rep.Head.Seq, rep.Head.Hash)
	if s := rep.Start; s != nil {
		fmt.Fprintf(e.stdout, "this trail was started on %s by %s, replacing a trail whose head was record %s (%s): %s\n",
			s.Time.Format(time.RFC3339), s.Actor, s.Detail["replaces_seq"], s.Detail["replaces_hash"], s.Detail["reason"])
	}
	if len(problems) > 0 {
		return fmt.Errorf("the audit trail failed verification: %d problem(s): %s", len(problems), summary(problems, 3))
	}
	fmt.Fprintln(e.stdout, "the audit trail is intact; keep its head somewhere else: facetriage audit head > head.json")
	return nil
}

// inspectTrail verifies the trail without creating anything, against the
// head file and the head kept elsewhere (extra, when set), and returns
// every problem as a line.
func inspectTrail(e *env, rt *app.Runtime, extra string) (audit.Report, []string, error) {
	ws, problems := headWitnesses(e, extra)
	rep, err := audit.Inspect(e.ctx, rt.JS, ws...)
	if err != nil {
		return rep, nil, err
	}
	for _, p := range rep.Problems {
		if p.Seq == 0 {
			problems = append(problems, "trail: "+p.Reason)
		} else {
			problems = append(problems, fmt.Sprintf("record %d: %s", p.Seq, p.Reason))
		}
	}
	return rep, problems, nil
}

// headWitnesses reads the head file and the head kept elsewhere, checked
// against the installation's key. What cannot be read is a problem: a
// head file that is gone is as telling as a stream that is.
func headWitnesses(e *env, extra string) ([]audit.Witness, []string) {
	dir := e.cfg.DataDirOrDefault()
	key, err := keys.Lookup(dir, e.cfg.SigningKey)
	if err != nil {
		return nil, []string{fmt.Sprintf("head file: cannot be checked without the signing key: %v", err)}
	}
	pub := keys.Public(key)
	var ws []audit.Witness
	var problems []string
	path := filepath.Join(dir, audit.HeadFile)
	h, err := audit.ReadHead(path, pub)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !e.cfg.Embedded():
		// scale-out: the head files are in the API processes' data directories
	case errors.Is(err, fs.ErrNotExist):
		problems = append(problems, fmt.Sprintf("head file: %s is missing: it was deleted (or no serve ever ran here)", path))
	case err != nil:
		problems = append(problems, "head file: "+err.Error())
	default:
		ws = append(ws, audit.Witness{Name: "the head file", Head: h})
	}
	if extra != "" {
		h, err := audit.ReadHead(extra, pub)
		if err != nil {
			problems = append(problems, "head kept elsewhere: "+err.Error())
		} else {
			ws = append(ws, audit.Witness{Name: "the head kept elsewhere (" + extra + ")", Head: h})
		}
	}
	return ws, problems
}

func summary(lines []string, n int) string {
	s := strings.Join(lines[:min(n, len(lines))], "; ")
	if len(lines) > n {
		s += fmt.Sprintf("; and %d more", len(lines)-n)
	}
	return s
}

type auditHeadCmd struct{}

func (c *auditHeadCmd) Run(e *env) error {
	key, err := keys.Lookup(e.cfg.DataDirOrDefault(), e.cfg.SigningKey)
	if err != nil {
		return err
	}
	rt, err := app.Connect(e.ctx, e.cfg, e.log, app.OwnOrAttach)
	if err != nil {
		return err
	}
	defer rt.Close()
	rep, problems, err := inspectTrail(e, rt, "")
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("the audit trail failed verification, so its head is not signed (run audit verify): %s", summary(problems, 3))
	}
	h := audit.Head{Stream: audit.StreamName, Seq: rep.Head.Seq, Hash: rep.Head.Hash, Created: rep.Created, Signed: time.Now()}
	if _, err := e.stdout.Write(audit.SignHead(h, key)); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "the head above (record %d) is signed by the key %s: keep it somewhere else (a ticket, an email, paper);\n"+
		"later, 'facetriage audit verify --head FILE' checks that the trail still reaches it unchanged\n", h.Seq, keys.Fingerprint(keys.Public(key)))
	return nil
}

type auditRestartCmd struct {
	Reason string `name:"reason" required:"" help:"Why the trail is restarted (what happened); recorded in the new trail's first record."`
	Head   string `name:"head" type:"existingfile" help:"A head kept elsewhere, checked and reported like the head file."`
}

func (c *auditRestartCmd) Run(e *env) error {
	// Removing the old trail is the administrative NATS user's to do.
	rt, err := app.ConnectAdmin(e.ctx, e.cfg, e.log)
	if err != nil {
		return err
	}
	defer rt.Close()
	if e.cfg.Embedded() && !rt.Owner() {
		return fmt.Errorf("%w: stop serve first: the trail is restarted with nothing writing to it", app.ErrBusy)
	}
	dir := e.cfg.DataDirOrDefault()
	key, err := keys.Open(dir, e.cfg.SigningKey)
	if err != nil {
		return err
	}
	var ws []audit.Witness
	if c.Head != "" {
		h, err := audit.ReadHead(c.Head, keys.Public(key))
		if err != nil {
			return err
		}
		ws = append(ws, audit.Witness{Name: "the head kept elsewhere (" + c.Head + ")", Head: h})
	}
	r := audit.Restart{Actor: operator().AuditName(), Reason: c.Reason, ArchiveDir: filepath.Join(dir, audit.ArchiveDir),
		Replicas: e.cfg.Replicas, Witnesses: ws}
	ev, err := r.Run(e.ctx, rt.JS, audit.WithWitness(filepath.Join(dir, audit.HeadFile), key), audit.WithLogger(e.log))
	if err != nil {
		return err
	}
	d := ev.Detail
	fmt.Fprintf(e.stdout, "a new audit trail starts at record %d (%s), which records the old head: record %s (%s, from the %s)\n",
		ev.Seq, ev.Hash, d["replaces_seq"], d["replaces_hash"], d["replaces_from"])
	fmt.Fprintf(e.stdout, "the old trail had %s problem(s)", d["problems"])
	if d["archive"] != "" {
		fmt.Fprintf(e.stdout, "; what remained of it is in %s (SHA-256 %s)", filepath.Join(r.ArchiveDir, d["archive"]), d["archive_sha256"])
	}
	fmt.Fprintln(e.stdout)
	return nil
}
