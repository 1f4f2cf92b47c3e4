package cli

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"strings"

	"github.com/facetriage/facetriage/internal/keys"
)

type keysCmd struct {
	Show keysShowCmd `cmd:"" help:"Print the installation's public key and its fingerprint (the key is made on first use)."`
}

type keysShowCmd struct {
	PEM bool `name:"pem" help:"Print the public key as a PEM block (for openssl) instead."`
}

func (c *keysShowCmd) Run(e *env) error {
	dir := e.cfg.DataDirOrDefault()
	k, err := keys.Open(dir, e.cfg.SigningKey)
	if err != nil {
		return err
	}
	pub := keys.Public(k)
	if c.PEM {
		fmt.Fprint(e.stdout, keys.FormatPEM(pub))
		return nil
	}
	path := e.cfg.SigningKey
	if path == "" {
		path = keys.DefaultPath(dir)
	}
	fmt.Fprintln(e.stdout, keys.Format(pub))
	fmt.Fprintf(e.stdout, "fingerprint: %s\n", keys.Fingerprint(pub))
	fmt.Fprintf(e.stderr, "the private key is %s: back it up somewhere safe, and never share it.\n"+
		"give the public key above to whoever checks this installation's exports:\n  facetriage export verify FILE.zip --key %s\n",
		path, keys.Format(pub))
	return nil
}

// publicKeyArg reads a public key given on the command line: the key
// itself (ed25519:BASE64), or a file holding it on its first line (as
// `facetriage keys show` prints it) or as a PEM block.
func publicKeyArg(s string) (ed25519.PublicKey, error) {
	if strings.HasPrefix(s, "ed25519:") {
		k, err := keys.Parse(s)
		if err != nil {
			return nil, usageError{fmt.Errorf("--key: %w", err)}
		}
		return k, nil
	}
	b, err := os.ReadFile(s)
	if err != nil {
		return nil, usageError{fmt.Errorf("--key: neither a public key (ed25519:...) nor a readable file: %w", err)}
	}
	text := string(b)
	if !strings.Contains(text, "-----BEGIN") {
		text, _, _ = strings.Cut(text, "\n")
	}
	k, err := keys.Parse(text)
	if err != nil {
		return nil, usageError{fmt.Errorf("--key %s: %w", s, err)}
	}
	return k, nil
}
