package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"syscall"

	"github.com/facetriage/facetriage/internal/bus"
)

// Files of the data directory.
const (
	lockName  = "facetriage.lock"
	serveName = "serve.json"
)

// ErrBusy means another process owns the data directory.
var ErrBusy = errors.New("app: the data directory is in use by another facetriage process")

// lockDir takes the data directory's lock without waiting.
func lockDir(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("app: data directory: %w", err)
	}
	if err := ownDir(dir); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("app: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrBusy
		}
		return nil, fmt.Errorf("app: lock: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// ServeInfo tells other processes how to reach a running serve.
type ServeInfo struct {
	NATS string `json:"nats"`
	HTTP string `json:"http"`
	PID  int    `json:"pid"`
}

// WriteServeInfo publishes how to reach this serve.
func WriteServeInfo(dir string, si ServeInfo) error {
	b, _ := json.MarshalIndent(si, "", "  ")
	tmp := filepath.Join(dir, serveName+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, serveName))
}

// RemoveServeInfo withdraws it when serve stops.
func RemoveServeInfo(dir string) { os.Remove(filepath.Join(dir, serveName)) }

// ReadServeInfo returns how to reach the serve that owns dir. Commands
// send it the NATS password and an API token, so it is trusted only from a
// directory and a file that no other account can write, and only when it
// names the loopback.
func ReadServeInfo(dir string) (ServeInfo, error) {
	var si ServeInfo
	if err := ownDir(dir); err != nil {
		return si, err
	}
	path := filepath.Join(dir, serveName)
	b, err := os.ReadFile(path)
	if err != nil {
		return si, fmt.Errorf("app: %s is locked but has no %s: another command (ingest, search) is using it; wait for it to finish", dir, serveName)
	}
	if err := bus.CheckPrivate(path); err != nil {
		return si, fmt.Errorf("%w: %v", ErrDataDirExposed, err)
	}
	if err := json.Unmarshal(b, &si); err != nil {
		return si, fmt.Errorf("app: %s: %w", path, err)
	}
	for _, u := range []string{si.NATS, si.HTTP} {
		if (u != "" || u == si.NATS) && !loopback(u) {
			return ServeInfo{}, fmt.Errorf("%w: %s names %q, not the loopback the embedded server listens on", ErrDataDirExposed, path, u)
		}
	}
	return si, nil
}

// ErrDataDirExposed means the data directory, or a file in it that commands
// trust, can be written by another account.
var ErrDataDirExposed = errors.New("app: the data directory is not private")

// ownDir checks that the data directory belongs to this process's account
// and that no other account can write into it; one that others can only
// read is made private.
func ownDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("app: data directory: %w", err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%w: %s belongs to user id %d, not to this account (%d)", ErrDataDirExposed, dir, st.Uid, os.Geteuid())
	}
	mode := fi.Mode().Perm()
	if mode&0o022 != 0 {
		return fmt.Errorf("%w: other accounts may write into %s (mode %04o): they could plant files that commands trust; "+
			"check what is in it, then `chmod 700 %s`", ErrDataDirExposed, dir, mode, dir)
	}
	if mode&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("app: data directory: %w", err)
		}
	}
	return nil
}

// loopback reports whether a URL's host is a loopback address.
func loopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}
