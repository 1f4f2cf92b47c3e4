package app

import (
	"archive/tar"
	"context"
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
	"strings"

	"filippo.io/age"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/config"
	"github.com/facetriage/facetriage/internal/keys"
)

// RestoreSummary says what a restore brought back, and how the restored
// audit trail verified.
type RestoreSummary struct {
	Streams  int
	Messages uint64
	Files    int
	Audit    audit.Report
}

// Restore makes a new data directory (cfg's, which must not exist or be
// empty) from a backup: the directory's files, then every stream, each
// checked against its length, SHA-256 and message count. The new directory
// keeps key as its store key (written to DATA/secrets/store.key unless
// StoreKeyEnv is set, which then encrypts the store) and gets new NATS
// passwords. Then the topology is made and the audit trail verified. On any
// error the directory is emptied again.
func Restore(ctx context.Context, cfg config.Config, key string, in io.Reader, log *slog.Logger) (RestoreSummary, error) {
	var sum RestoreSummary
	target := cfg.DataDirOrDefault()
	cleanup, err := claimEmptyDir(target)
	if err != nil {
		return sum, err
	}
	r := &restorer{cfg: cfg, key: key, log: log, target: target}
	err = r.run(ctx, in, &sum)
	if r.rt != nil {
		r.rt.Close()
	}
	if err == nil {
		err = r.finish(ctx, &sum)
	}
	if err != nil {
		cleanup()
		return sum, err
	}
	return sum, nil
}

// claimEmptyDir makes dir, or checks that it is empty; cleanup empties it
// again (and removes it when this call made it).
func claimEmptyDir(dir string) (cleanup func(), err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("app: restore: %w", err)
		}
		return func() { os.RemoveAll(dir) }, nil
	case err != nil:
		return nil, fmt.Errorf("app: restore: %w", err)
	case len(entries) > 0:
		return nil, fmt.Errorf("%w: %s holds %d entries", ErrRestoreTarget, dir, len(entries))
	}
	return func() {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}, nil
}

type restorer struct {
	cfg    config.Config
	key    string
	log    *slog.Logger
	target string
	rt     *Runtime // the new directory's embedded server, as admin
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrBackupCorrupt}, args...)...)
}

func (r *restorer) run(ctx context.Context, in io.Reader, sum *RestoreSummary) error {
	pass, err := backupPassphrase(r.key)
	if err != nil {
		return err
	}
	id, err := age.NewScryptIdentity(pass)
	if err != nil {
		return fmt.Errorf("app: restore: %w", err)
	}
	dec, err := age.Decrypt(in, id)
	if err != nil {
		return fmt.Errorf("%w (%w)", ErrBackupKey, err)
	}
	tr := tar.NewReader(dec)
	var hdr backupHeader
	if err := readJSON(tr, "header.json", &hdr); err != nil {
		return err
	}
	if hdr.Format != backupFormat {
		return corrupt("format %q, want %q", hdr.Format, backupFormat)
	}
	files := map[string]bool{}
	for _, f := range hdr.Files {
		files[f] = true
	}
	var cur *streamRestore
	next := 0 // index of the next stream in hdr.Streams
	for {
		h, err := tr.Next()
		if err != nil {
			return corrupt("%v", err)
		}
		switch name := h.Name; {
		case strings.HasPrefix(name, "files/"):
			rel := strings.TrimPrefix(name, "files/")
			if !files[rel] || !filepath.IsLocal(rel) || next > 0 {
				return corrupt("unexpected file %q", name)
			}
			delete(files, rel)
			if err := r.writeFile(rel, tr); err != nil {
				return err
			}
			sum.Files++
		case strings.HasPrefix(name, "streams/"):
			stream, part, _ := strings.Cut(strings.TrimPrefix(name, "streams/"), "/")
			if part == "meta.json" {
				if cur != nil || next >= len(hdr.Streams) || hdr.Streams[next] != stream {
					return corrupt("unexpected stream %q", stream)
				}
				if len(files) > 0 {
					return corrupt("files missing before the streams")
				}
				next++
				if cur, err = r.begin(ctx, stream, tr); err != nil {
					return err
				}
				continue
			}
			if cur == nil || cur.name != stream {
				return corrupt("unexpected entry %q", name)
			}
			if part == "end.json" {
				msgs, err := cur.end(tr)
				if err != nil {
					return err
				}
				cur = nil
				sum.Streams++
				sum.Messages += msgs
				continue
			}
			if err := cur.part(part, tr); err != nil {
				return err
			}
		case name == "end.json":
			var end backupEnd
			if err := readJSON(tr, "", &end); err != nil {
				return err
			}
			if cur != nil || next != len(hdr.Streams) || end.Streams != sum.Streams || end.Files != sum.Files || len(files) > 0 {
				return corrupt("it ends after %d of %d streams and %d files", sum.Streams, len(hdr.Streams), sum.Files)
			}
			if _, err := tr.Next(); !errors.Is(err, io.EOF) {
				return corrupt("entries after the end")
			}
			return nil
		default:
			return corrupt("unexpected entry %q", name)
		}
	}
}

// writeFile restores one of the data directory's files (mode 0600, its
// folders 0700), never over the store, the index or the secrets a restore
// makes.
func (r *restorer) writeFile(rel string, src io.Reader) error {
	top, _, _ := strings.Cut(rel, "/")
	if top == "jetstream" || top == "index" || top == encryptingDir || top == plainOldDir || top == lockName ||
		top == serveName || rel == path.Join(secretsDirName, storeKeyFile) ||
		rel == path.Join(secretsDirName, appUserFile) || rel == path.Join(secretsDirName, adminUserFile) {
		return corrupt("the file %q may not be restored", rel)
	}
	p := filepath.Join(r.target, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("app: restore: %w", err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("app: restore: %w", err)
	}
	_, err = io.Copy(f, src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return corrupt("%s: %v", rel, err)
	}
	return nil
}

// server starts the new directory's embedded server, once, with the
// backup's key as the store key.
func (r *restorer) server(ctx context.Context) error {
	if r.rt != nil {
		return nil
	}
	if os.Getenv(StoreKeyEnv) == "" {
		if err := os.MkdirAll(SecretsDir(r.target), 0o700); err != nil {
			return fmt.Errorf("app: restore: %w", err)
		}
		if err := bus.WriteSecretFile(StoreKeyPath(r.target), []byte(r.key+"\n")); err != nil {
			return err
		}
	}
	rt, err := ConnectAdmin(ctx, r.cfg, r.log)
	if err != nil {
		return err
	}
	if !rt.Owner() {
		rt.Close()
		return fmt.Errorf("%w: another process uses %s", ErrRestoreTarget, r.target)
	}
	r.rt = rt
	return nil
}

// streamRestore feeds one stream's parts to the server.
type streamRestore struct {
	name  string
	meta  bus.SnapshotMeta
	pw    *io.PipeWriter
	sum   hash.Hash
	n     int64
	parts int
	done  chan error
	state struct{ msgs, last uint64 }
}

func (r *restorer) begin(ctx context.Context, stream string, tr *tar.Reader) (*streamRestore, error) {
	s := &streamRestore{name: stream, sum: sha256.New(), done: make(chan error, 1)}
	if err := readJSON(tr, "", &s.meta); err != nil {
		return nil, err
	}
	if err := r.server(ctx); err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	s.pw = pw
	go func() {
		st, err := bus.RestoreStream(ctx, r.rt.NC, s.meta, pr)
		s.state.msgs, s.state.last = st.Msgs, st.LastSeq
		pr.CloseWithError(errors.New("restore ended")) // unblock a writer after a failure
		s.done <- err
	}()
	return s, nil
}

func (s *streamRestore) part(name string, src io.Reader) error {
	s.parts++
	if name != fmt.Sprintf("part-%06d", s.parts) {
		s.abort()
		return corrupt("stream %s: part %q out of order", s.name, name)
	}
	n, err := io.Copy(io.MultiWriter(s.pw, s.sum), src)
	s.n += n
	if err != nil {
		s.abort()
		if derr := <-s.done; derr != nil {
			return derr
		}
		return corrupt("stream %s: %v", s.name, err)
	}
	return nil
}

func (s *streamRestore) abort() { s.pw.CloseWithError(ErrBackupCorrupt) }

// end checks the stream's sums, lets the server build it, and checks what
// it built against the snapshot's state.
func (s *streamRestore) end(tr *tar.Reader) (uint64, error) {
	var end streamEnd
	if err := readJSON(tr, "", &end); err != nil {
		s.abort()
		return 0, err
	}
	if end.Bytes != s.n || end.Parts != s.parts || end.SHA256 != hex.EncodeToString(s.sum.Sum(nil)) {
		s.abort()
		<-s.done
		return 0, corrupt("stream %s: %d bytes in %d parts do not match their sum", s.name, s.n, s.parts)
	}
	s.pw.Close()
	if err := <-s.done; err != nil {
		return 0, fmt.Errorf("app: restore: %w", err)
	}
	msgs, last, err := s.meta.Messages()
	if err != nil {
		return 0, err
	}
	if s.state.msgs != msgs || s.state.last != last {
		return 0, corrupt("stream %s: %d messages up to %d restored, the backup says %d up to %d", s.name, s.state.msgs, s.state.last, msgs, last)
	}
	return msgs, nil
}

// finish opens the restored directory as serve would (making the topology
// and its consumers) and verifies the audit trail.
func (r *restorer) finish(ctx context.Context, sum *RestoreSummary) error {
	rt, err := Connect(ctx, r.cfg, r.log, Own)
	if err != nil {
		return fmt.Errorf("app: the restored directory does not open: %w", err)
	}
	defer rt.Close()
	dir := r.cfg.DataDirOrDefault()
	key, err := keys.Open(dir, r.cfg.SigningKey)
	if err != nil {
		return err
	}
	if sum.Audit, err = audit.AdoptRestored(ctx, rt.JS, r.cfg.Replicas, filepath.Join(dir, audit.HeadFile), key,
		auth.Operator(os.Getenv("USER")).AuditName(), "backup", audit.WithLogger(r.log)); err != nil {
		return fmt.Errorf("app: the restored audit trail: %w", err)
	}
	lg, err := rt.OpenAudit(ctx)
	if err != nil {
		return fmt.Errorf("app: the restored audit trail: %w", err)
	}
	if sum.Audit, err = lg.Verify(ctx); err != nil {
		return fmt.Errorf("app: the restored audit trail: %w", err)
	}
	return nil
}

// readJSON decodes the current entry; name, when given, is the entry's
// expected name, read first.
func readJSON(tr *tar.Reader, name string, v any) error {
	if name != "" {
		h, err := tr.Next()
		if err != nil {
			return corrupt("%v", err)
		}
		if h.Name != name {
			return corrupt("%q where %q belongs", h.Name, name)
		}
	}
	if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(v); err != nil {
		return corrupt("%v", err)
	}
	return nil
}
