package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/nats-io/nats.go"

	"github.com/facetriage/facetriage/internal/bus"
)

// Directories of a store being encrypted (see encryptStore).
const (
	encryptingDir = ".encrypting" // DATA/.encrypting/jetstream: the new, encrypted store
	plainOldDir   = "jetstream.plain"
)

// ErrStoreMixed means a store holds both encrypted streams and streams
// written without a key; facetriage never makes one (see bus.ErrStorePlain).
var ErrStoreMixed = errors.New("app: the store holds both encrypted and plain streams")

// encryptStore encrypts a store written without a key (by an older
// facetriage). nats-server's own in-place conversion leaves some streams
// unreadable (bus.ErrStorePlain), so every stream is copied instead, through
// JetStream's snapshot and restore, from a server on the plain store into a
// server on a new store encrypted with key; the message counts are checked,
// then the new store takes the old one's place and the old one is deleted.
// The plain store stays in place until the new one is complete; an
// interrupted run is cleaned up and done again at the next start. The
// caller owns the data directory.
func encryptStore(ctx context.Context, dataDir string, sec Secrets, log *slog.Logger) error {
	if err := recoverEncrypt(dataDir); err != nil {
		return err
	}
	st, err := bus.InspectStore(filepath.Join(dataDir, "jetstream"))
	if err != nil {
		return err
	}
	plain := st.Plain()
	if len(plain) == 0 {
		return nil
	}
	if st.Encrypted {
		return fmt.Errorf("%w: %s; restore the data directory from a backup", ErrStoreMixed, strings.Join(plain, ", "))
	}
	log.Info("encrypting the store: copying every stream into a new, encrypted store", "streams", len(plain))
	newDir := filepath.Join(dataDir, encryptingDir)
	if err := os.Mkdir(newDir, 0o700); err != nil {
		return fmt.Errorf("app: encrypt the store: %w", err)
	}
	if err := copyIntoEncrypted(ctx, dataDir, newDir, plain, sec, log); err != nil {
		os.RemoveAll(newDir)
		return fmt.Errorf("app: encrypting the store failed, and it was left as it was: %w", err)
	}
	old := filepath.Join(dataDir, plainOldDir)
	if err := os.Rename(filepath.Join(dataDir, "jetstream"), old); err != nil {
		return fmt.Errorf("app: encrypt the store: %w", err)
	}
	if err := os.Rename(filepath.Join(newDir, "jetstream"), filepath.Join(dataDir, "jetstream")); err != nil {
		return fmt.Errorf("app: encrypt the store: %w", err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("app: encrypt the store: deleting the plain copy %s: %w", old, err)
	}
	os.RemoveAll(newDir)
	log.Warn("the store is encrypted; its plain files were deleted, but their blocks may remain on the disk until overwritten (full-disk encryption prevents that)")
	return nil
}

// recoverEncrypt finishes or undoes an interrupted encryptStore.
func recoverEncrypt(dataDir string) error {
	old, cur := filepath.Join(dataDir, plainOldDir), filepath.Join(dataDir, "jetstream")
	if _, err := os.Stat(old); err == nil {
		if _, err := os.Stat(cur); err == nil {
			if err := os.RemoveAll(old); err != nil { // the new store was in place
				return fmt.Errorf("app: %w", err)
			}
		} else if errors.Is(err, fs.ErrNotExist) {
			if err := os.Rename(old, cur); err != nil { // put the plain store back
				return fmt.Errorf("app: %w", err)
			}
		}
	}
	if err := os.RemoveAll(filepath.Join(dataDir, encryptingDir)); err != nil {
		return fmt.Errorf("app: %w", err)
	}
	return nil
}

// copyIntoEncrypted runs a server on each store and copies the streams.
func copyIntoEncrypted(ctx context.Context, dataDir, newDir string, streams []string, sec Secrets, log *slog.Logger) error {
	from, err := bus.StartEmbedded(bus.EmbeddedOptions{Dir: dataDir, App: sec.App, Admin: sec.Admin, Log: log})
	if err != nil {
		return err
	}
	defer from.Shutdown()
	to, err := bus.StartEmbedded(bus.EmbeddedOptions{Dir: newDir, App: sec.App, Admin: sec.Admin, StoreKey: sec.StoreKey, Log: log})
	if err != nil {
		return err
	}
	defer to.Shutdown()
	dial := func(e *bus.Embedded) (*nats.Conn, error) {
		return bus.Client{URL: e.URL(), Role: bus.RoleOps, UserPass: &sec.Admin, Name: "facetriage encrypt"}.Connect(log)
	}
	fromNC, err := dial(from)
	if err != nil {
		return err
	}
	defer fromNC.Close()
	toNC, err := dial(to)
	if err != nil {
		return err
	}
	defer toNC.Close()
	for _, s := range streams {
		n, err := bus.CopyStream(ctx, fromNC, toNC, s)
		if err != nil {
			return err
		}
		log.Info("encrypted", "stream", s, "messages", n)
	}
	return nil
}
