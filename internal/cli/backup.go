package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/bus"
)

type backupCmd struct {
	Out     string `name:"out" required:"" type:"path" help:"The backup file to write (it must not exist)."`
	KeyFile string `name:"key-file" type:"path" help:"Encrypt with the key in this file (at least 32 characters) instead of the data directory's store key; needed with --nats."`
}

// Run writes an encrypted snapshot of every stream, whether or not serve runs.
func (c *backupCmd) Run(e *env) error {
	key, err := c.key(e)
	if err != nil {
		return err
	}
	rt, err := app.ConnectAdmin(e.ctx, e.cfg, e.log)
	if err != nil {
		return err
	}
	defer rt.Close()
	dataDir := ""
	if e.cfg.Embedded() {
		dataDir = e.cfg.DataDirOrDefault()
	}
	partial := c.Out + ".partial"
	f, err := os.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	sum, err := app.Backup(e.ctx, rt.NC, dataDir, key, f, e.log)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if _, serr := os.Stat(c.Out); serr == nil {
			err = fmt.Errorf("%s appeared while the backup ran", c.Out)
		} else {
			err = os.Rename(partial, c.Out)
		}
	}
	if err != nil {
		os.Remove(partial)
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(e.stdout, "backup %s: %d streams, %d messages, %d files\n", c.Out, sum.Streams, sum.Messages, sum.Files)
	fmt.Fprintln(e.stdout, "it decrypts only with the store key (or --key-file): keep a copy of the key apart from the backup")
	return nil
}

func (c *backupCmd) key(e *env) (string, error) {
	if c.KeyFile != "" {
		return readKeyFile(c.KeyFile)
	}
	if !e.cfg.Embedded() {
		return "", usageError{errors.New("backup of a cluster (--nats) needs --key-file")}
	}
	k, err := app.ReadStoreKey(e.cfg.DataDirOrDefault())
	if err != nil {
		return "", fmt.Errorf("backup: the store key: %w", err)
	}
	return k, nil
}

type restoreCmd struct {
	From    string `name:"from" required:"" type:"existingfile" help:"The backup file."`
	KeyFile string `name:"key-file" type:"path" help:"The key the backup was made with (the old data directory's secrets/store.key); default: $FACETRIAGE_STORE_KEY."`
}

// Run makes a new data directory (--data, which must be new or empty) from a backup.
func (c *restoreCmd) Run(e *env) error {
	if !e.cfg.Embedded() {
		return usageError{errors.New("restore makes a new data directory of the embedded mode; it takes no --nats")}
	}
	if e.cfg.DataDir == "" {
		return usageError{errors.New("restore needs --data NEWDIR (a new or empty directory)")}
	}
	key := os.Getenv(app.StoreKeyEnv)
	if c.KeyFile != "" {
		var err error
		if key, err = readKeyFile(c.KeyFile); err != nil {
			return err
		}
	}
	if key == "" {
		return usageError{fmt.Errorf("restore needs the backup's key: --key-file FILE or $%s", app.StoreKeyEnv)}
	}
	f, err := os.Open(c.From)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	sum, err := app.Restore(e.ctx, e.cfg, key, f, e.log)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(e.stdout, "restored %s into %s: %d streams, %d messages, %d files\n", c.From, e.cfg.DataDir, sum.Streams, sum.Messages, sum.Files)
	if !sum.Audit.OK() {
		for _, p := range sum.Audit.Problems {
			fmt.Fprintf(e.stdout, "audit: record %d: %s\n", p.Seq, p.Reason)
		}
		return fmt.Errorf("restore: the data are back in %s, but the restored audit trail does not verify (%d problems)", e.cfg.DataDir, len(sum.Audit.Problems))
	}
	fmt.Fprintf(e.stdout, "audit trail: %d records verified\n", sum.Audit.Records)
	return nil
}

// readKeyFile reads a key file, which must be private to its owner.
func readKeyFile(path string) (string, error) {
	b, err := bus.ReadSecretFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}
