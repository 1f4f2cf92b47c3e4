package app

import (
	"archive/tar"
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/bus"
)

// A backup is one file: an age-encrypted (scrypt passphrase recipient) tar
// archive. The passphrase is derived from the backup key, which is the data
// directory's store key unless another is given:
// hex(HKDF-SHA256(key, info "facetriage backup v1")). age authenticates
// every 64 KiB of the archive and its end, so a changed, cut or re-ordered
// byte fails the restore. The archive holds, in order:
//
//	header.json              format, time, the streams and files that follow
//	files/REL                the data directory's own files (below)
//	streams/NAME/meta.json   the stream's configuration and state
//	streams/NAME/part-N      its snapshot (JetStream's archive), in parts
//	streams/NAME/end.json    the snapshot's length and SHA-256
//	end.json                 how many streams and files there were
//
// Every stream is there: work queues, key-value buckets (accounts, cases,
// the catalogue, face records), object stores (crops, references) and the
// audit trail. Each stream's snapshot is consistent; streams are taken one
// after another, the audit anchor before the others and the trail last, so
// that the restored anchor never runs ahead of the trail. The files are the
// data directory's regular files except the store (jetstream/), the vector
// index (index/: a projection rebuilt from the face records), the models,
// the uploads of ingest over HTTP (uploads/: originals, kept as originals are),
// the lock, serve.json, and the NATS passwords and store key of
// DATA/secrets (a restore makes new passwords; the key is the backup key).
const backupFormat = "facetriage-backup/1"

// Errors of backup and restore.
var (
	// ErrBackupKey: the backup cannot be decrypted with the key given, or
	// is not a facetriage backup.
	ErrBackupKey = errors.New("app: the backup cannot be decrypted with this key")
	// ErrBackupCorrupt: the backup decrypts but is incomplete or does not
	// match its own sums.
	ErrBackupCorrupt = errors.New("app: the backup is damaged or incomplete")
	// ErrRestoreTarget: the target directory is not empty.
	ErrRestoreTarget = errors.New("app: restore needs a new or empty directory")
)

// backupPartSize is the largest part of a stream's snapshot in the archive.
const backupPartSize = 1 << 20

// scryptWorkFactor is age's scrypt cost (2^15): the passphrase is a 256-bit
// derived key, which no cost makes guessable or less so.
const scryptWorkFactor = 15

type backupHeader struct {
	Format  string    `json:"format"`
	Created time.Time `json:"created"`
	Streams []string  `json:"streams"`
	Files   []string  `json:"files"`
}

type streamEnd struct {
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	Parts  int    `json:"parts"`
}

type backupEnd struct {
	Streams int `json:"streams"`
	Files   int `json:"files"`
}

// BackupSummary says what a backup holds.
type BackupSummary struct {
	Streams  int
	Messages uint64
	Files    int
	Bytes    int64 // of the snapshots, before encryption
}

// backupPassphrase derives the age passphrase from the backup key.
func backupPassphrase(key string) (string, error) {
	if len(key) < MinStoreKeyLen {
		return "", fmt.Errorf("%w: the backup key has %d characters, at least %d are needed", ErrWeakStoreKey, len(key), MinStoreKeyLen)
	}
	k, err := hkdf.Key(sha256.New, []byte(key), nil, "facetriage backup v1", 32)
	if err != nil {
		return "", fmt.Errorf("app: %w", err)
	}
	return hex.EncodeToString(k), nil
}

// ReadStoreKey is the data directory's store key: StoreKeyEnv when set,
// otherwise DATA/secrets/store.key.
func ReadStoreKey(dataDir string) (string, error) {
	if k := os.Getenv(StoreKeyEnv); k != "" {
		return k, nil
	}
	b, err := bus.ReadSecretFile(StoreKeyPath(dataDir))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// Backup writes an encrypted backup of every stream reachable through nc
// (which must be an administrative user's connection) and, when dataDir is
// not empty, of the data directory's own files, to out.
func Backup(ctx context.Context, nc *nats.Conn, dataDir, key string, out io.Writer, log *slog.Logger) (BackupSummary, error) {
	var sum BackupSummary
	pass, err := backupPassphrase(key)
	if err != nil {
		return sum, err
	}
	rcp, err := age.NewScryptRecipient(pass)
	if err != nil {
		return sum, fmt.Errorf("app: backup: %w", err)
	}
	rcp.SetWorkFactor(scryptWorkFactor)
	js, err := jetstream.New(nc)
	if err != nil {
		return sum, fmt.Errorf("app: backup: %w", err)
	}
	streams, err := backupOrder(ctx, js)
	if err != nil {
		return sum, err
	}
	var files []string
	if dataDir != "" {
		if files, err = backupFiles(dataDir); err != nil {
			return sum, err
		}
	}
	enc, err := age.Encrypt(out, rcp)
	if err != nil {
		return sum, fmt.Errorf("app: backup: %w", err)
	}
	tw := tar.NewWriter(enc)
	hdr := backupHeader{Format: backupFormat, Created: time.Now().UTC(), Streams: streams, Files: files}
	if err := writeJSON(tw, "header.json", hdr); err != nil {
		return sum, err
	}
	for _, rel := range files {
		if err := writeFile(tw, dataDir, rel); err != nil {
			return sum, err
		}
		sum.Files++
	}
	for _, name := range streams {
		pw := &partWriter{tw: tw, dir: "streams/" + name, sum: sha256.New()}
		begin := func(meta bus.SnapshotMeta) error { return writeJSON(tw, pw.dir+"/meta.json", meta) }
		meta, err := bus.SnapshotStream(ctx, nc, name, begin, pw)
		if err == nil {
			err = pw.flush()
		}
		if err != nil {
			return sum, fmt.Errorf("app: backup: %w", err)
		}
		msgs, _, _ := meta.Messages()
		if err := writeJSON(tw, pw.dir+"/end.json", streamEnd{Bytes: pw.n, SHA256: hex.EncodeToString(pw.sum.Sum(nil)), Parts: pw.parts}); err != nil {
			return sum, err
		}
		sum.Streams++
		sum.Messages += msgs
		sum.Bytes += pw.n
		if log != nil {
			log.Info("backed up", "stream", name, "messages", msgs, "bytes", pw.n)
		}
	}
	if err := writeJSON(tw, "end.json", backupEnd{Streams: sum.Streams, Files: sum.Files}); err != nil {
		return sum, err
	}
	if err := tw.Close(); err != nil {
		return sum, fmt.Errorf("app: backup: %w", err)
	}
	if err := enc.Close(); err != nil {
		return sum, fmt.Errorf("app: backup: %w", err)
	}
	return sum, nil
}

// backupOrder lists the streams: the audit anchor first, the audit trail
// last, the others by name between them.
func backupOrder(ctx context.Context, js jetstream.JetStream) ([]string, error) {
	var names []string
	l := js.StreamNames(ctx)
	for n := range l.Name() {
		names = append(names, n)
	}
	if err := l.Err(); err != nil {
		return nil, fmt.Errorf("app: backup: listing the streams: %w", err)
	}
	rank := func(n string) int {
		switch n {
		case "KV_" + audit.BucketHead:
			return 0
		case audit.StreamName:
			return 2
		}
		return 1
	}
	slices.SortFunc(names, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return names, nil
}

// backupFiles lists the data directory's files that a backup keeps.
func backupFiles(dataDir string) ([]string, error) {
	skip := map[string]bool{"jetstream": true, "index": true, "models": true, UploadsDir: true, encryptingDir: true, plainOldDir: true,
		lockName: true, serveName: true, serveName + ".tmp": true, path.Join(secretsDirName, appUserFile): true,
		path.Join(secretsDirName, adminUserFile): true, path.Join(secretsDirName, storeKeyFile): true}
	var files []string
	err := filepath.WalkDir(dataDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dataDir, p)
		rel = filepath.ToSlash(rel)
		if skip[rel] {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("app: backup: %w", err)
	}
	return files, nil
}

func writeJSON(tw *tar.Writer, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("app: backup: %w", err)
	}
	return writeEntry(tw, name, 0o600, b)
}

func writeEntry(tw *tar.Writer, name string, mode int64, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("app: backup: %w", err)
	}
	if _, err := tw.Write(b); err != nil {
		return fmt.Errorf("app: backup: %w", err)
	}
	return nil
}

func writeFile(tw *tar.Writer, dataDir, rel string) error {
	b, err := os.ReadFile(filepath.Join(dataDir, filepath.FromSlash(rel)))
	if err != nil {
		return fmt.Errorf("app: backup: %w", err)
	}
	return writeEntry(tw, "files/"+rel, 0o600, b)
}

// partWriter cuts a snapshot into tar entries of backupPartSize.
type partWriter struct {
	tw    *tar.Writer
	dir   string
	buf   []byte
	sum   hash.Hash
	n     int64
	parts int
}

func (w *partWriter) Write(p []byte) (int, error) {
	w.sum.Write(p)
	w.n += int64(len(p))
	w.buf = append(w.buf, p...)
	for len(w.buf) >= backupPartSize {
		if err := w.writePart(w.buf[:backupPartSize]); err != nil {
			return 0, err
		}
		w.buf = append(w.buf[:0], w.buf[backupPartSize:]...)
	}
	return len(p), nil
}

func (w *partWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	err := w.writePart(w.buf)
	w.buf = w.buf[:0]
	return err
}

func (w *partWriter) writePart(b []byte) error {
	w.parts++
	return writeEntry(w.tw, fmt.Sprintf("%s/part-%06d", w.dir, w.parts), 0o600, b)
}
