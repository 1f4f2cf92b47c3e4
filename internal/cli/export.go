package cli

import (
	"crypto/ed25519"
	"fmt"
	"os"

	"github.com/facetriage/facetriage/internal/evidence"
	"github.com/facetriage/facetriage/internal/keys"
)

type exportCmd struct {
	Verify exportVerifyCmd `cmd:"" help:"Check an evidence export offline: every member's SHA-256 and size, and the manifest's signature; exits 1 naming each problem."`
}

type exportVerifyCmd struct {
	File string `arg:"" type:"existingfile" help:"The export (.zip)."`
	Key  string `name:"key" help:"The installation's public key as 'facetriage keys show' prints it (ed25519:BASE64), or a file holding it. Without it, the export is only checked against the key it names."`
}

func (c *exportVerifyCmd) Run(e *env) error {
	var want ed25519.PublicKey
	if c.Key != "" {
		var err error
		if want, err = publicKeyArg(c.Key); err != nil {
			return err
		}
	}
	f, err := os.Open(c.File)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	rep, err := evidence.Verify(f, st.Size(), want)
	for _, p := range rep.Problems {
		fmt.Fprintf(e.stdout, "problem: %s\n", p)
	}
	if rep.Key != nil {
		fmt.Fprintf(e.stdout, "signed by %s (fingerprint %s) on %s\n", keys.Format(rep.Key), keys.Fingerprint(rep.Key),
			rep.Manifest.Created.Format("2006-01-02 15:04:05 MST"))
	}
	fmt.Fprintf(e.stdout, "%d of %d listed members match their SHA-256 and size\n", rep.Checked, len(rep.Manifest.Files))
	switch {
	case rep.Audit != nil && !rep.Audit.Intact:
		fmt.Fprintf(e.stdout, "audit status inside the export: %s\n", rep.Audit.Statement)
		fmt.Fprintln(e.stderr, "warning: this export was made while the audit trail failed verification")
	case rep.Audit != nil:
		fmt.Fprintf(e.stdout, "audit status inside the export: %s\n", rep.Audit.Statement)
	case err == nil:
		fmt.Fprintf(e.stdout, "the export has no %s: it does not say whether the audit trail verified when it was made\n", evidence.AuditStatusName)
	}
	if err != nil {
		return err
	}
	if want == nil {
		fmt.Fprintln(e.stdout, "the export is intact and signed by the key it names; pass --key with the installation's public key to know it is that installation's")
		return nil
	}
	fmt.Fprintln(e.stdout, "the export is intact and signed by the expected key")
	return nil
}
