package bus

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// Errors of the embedded server's store.
var (
	// ErrStoreKeyMissing means the store is encrypted and no key was given.
	ErrStoreKeyMissing = errors.New("bus: the store is encrypted and its key is missing")
	// ErrStoreUnreadable means streams found on disk did not load.
	ErrStoreUnreadable = errors.New("bus: streams of the store could not be loaded")
	// ErrStorePlain means a key was given for a store written without one.
	// nats-server would encrypt it in place, but leaves the state file of
	// every stream not written to during that run in plain text, and then
	// refuses to load those streams at the next start ("corrupt state
	// file"); so the store is copied into a new, encrypted one instead
	// (app: EncryptStore).
	ErrStorePlain = errors.New("bus: the store is not encrypted")
)

// StoreState is what lies in a JetStream store directory.
type StoreState struct {
	// Streams found on disk (each has a meta.inf).
	Streams []string
	// EncryptedStreams have a meta.key: they were written with a store key.
	EncryptedStreams []string
	// Encrypted is true when any stream is.
	Encrypted bool
}

// Plain are the streams without a key file.
func (st StoreState) Plain() []string {
	enc := map[string]bool{}
	for _, s := range st.EncryptedStreams {
		enc[s] = true
	}
	var out []string
	for _, s := range st.Streams {
		if !enc[s] {
			out = append(out, s)
		}
	}
	return out
}

// InspectStore lists the streams of a store directory (the StoreDir given to
// nats-server; a missing directory is an empty store) without opening them.
// Layout: DIR/jetstream/ACCOUNT/streams/NAME/meta.inf, with meta.key beside
// it when the stream is encrypted.
func InspectStore(dir string) (StoreState, error) {
	var st StoreState
	accounts, err := os.ReadDir(filepath.Join(dir, "jetstream"))
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("bus: store: %w", err)
	}
	for _, a := range accounts {
		if !a.IsDir() {
			continue
		}
		streams, err := os.ReadDir(filepath.Join(dir, "jetstream", a.Name(), "streams"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return st, fmt.Errorf("bus: store: %w", err)
		}
		for _, s := range streams {
			sd := filepath.Join(dir, "jetstream", a.Name(), "streams", s.Name())
			if !s.IsDir() || s.Name()[0] == '.' || !exists(filepath.Join(sd, "meta.inf")) {
				continue // '.' marks a stream being deleted
			}
			st.Streams = append(st.Streams, s.Name())
			if exists(filepath.Join(sd, "meta.key")) {
				st.EncryptedStreams = append(st.EncryptedStreams, s.Name())
			}
		}
	}
	sort.Strings(st.Streams)
	sort.Strings(st.EncryptedStreams)
	st.Encrypted = len(st.EncryptedStreams) > 0
	return st, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
