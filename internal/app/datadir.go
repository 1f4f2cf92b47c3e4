package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
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

// ReadServeInfo returns how to reach the serve that owns dir.
func ReadServeInfo(dir string) (ServeInfo, error) {
	var si ServeInfo
	b, err := os.ReadFile(filepath.Join(dir, serveName))
	if err != nil {
		return si, fmt.Errorf("app: %s is locked but has no %s: another command (ingest, search) is using it; wait for it to finish", dir, serveName)
	}
	return si, json.Unmarshal(b, &si)
}
