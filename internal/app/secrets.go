package app

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/facetriage/facetriage/internal/bus"
)

// StoreKeyEnv names the environment variable that gives the store key; when
// set it takes precedence over DATA/secrets/store.key, and the file is not
// written (keep the key elsewhere than the data it protects). It is not a
// flag, so that it never shows in the process list.
const StoreKeyEnv = "FACETRIAGE_STORE_KEY"

// MinStoreKeyLen is the shortest store key accepted from StoreKeyEnv.
const MinStoreKeyLen = 32

// Files of DATA/secrets (mode 0700; every file 0600, never replaced).
const (
	secretsDirName = "secrets"
	appUserFile    = "nats-app.userpass"   // the application's NATS user: serve and the CLI
	adminUserFile  = "nats-admin.userpass" // the operator's NATS user: backup, restore, repairs
	storeKeyFile   = "store.key"           // the store cipher's key
)

// NATS user names of the embedded server.
const (
	appUser   = "facetriage"
	adminUser = "facetriage-admin"
)

// ErrWeakStoreKey means StoreKeyEnv holds fewer than MinStoreKeyLen characters.
var ErrWeakStoreKey = errors.New("app: the store key is too short")

// Secrets are a data directory's credentials and store key.
type Secrets struct {
	App, Admin bus.UserPass
	StoreKey   string
	// FromEnv: StoreKey came from StoreKeyEnv.
	FromEnv bool
	// Created names the files made by this call (first start), for the log.
	Created []string
}

// SecretsDir is DATA/secrets.
func SecretsDir(dataDir string) string { return filepath.Join(dataDir, secretsDirName) }

// StoreKeyPath is the file that holds the store key (unless StoreKeyEnv is set).
func StoreKeyPath(dataDir string) string { return filepath.Join(SecretsDir(dataDir), storeKeyFile) }

// AdminUserPath is the administrative user's USER:PASSWORD file.
func AdminUserPath(dataDir string) string { return filepath.Join(SecretsDir(dataDir), adminUserFile) }

// LoadOrCreateSecrets reads DATA/secrets, making what is missing: the two
// NATS users, and the store key unless StoreKeyEnv gives it. It refuses
// secrets that other accounts can read (bus.ErrSecretExposed), and refuses
// to make a new store key for a store that is already encrypted
// (bus.ErrStoreKeyMissing). The caller owns the data directory.
func LoadOrCreateSecrets(dataDir string) (Secrets, error) {
	var s Secrets
	dir := SecretsDir(dataDir)
	if err := os.Mkdir(dir, 0o700); err == nil {
		s.Created = append(s.Created, dir)
	} else if !errors.Is(err, fs.ErrExist) {
		return s, fmt.Errorf("app: secrets: %w", err)
	}
	if err := bus.CheckPrivate(dir); err != nil {
		return s, err
	}
	var err error
	if s.App, err = s.userPass(dir, appUserFile, appUser); err != nil {
		return s, err
	}
	if s.Admin, err = s.userPass(dir, adminUserFile, adminUser); err != nil {
		return s, err
	}
	if err := s.storeKey(dataDir); err != nil {
		return s, err
	}
	return s, nil
}

// LoadAppUser reads the application's NATS user, for a command attaching
// to a running serve.
func LoadAppUser(dataDir string) (bus.UserPass, error) {
	return loadUser(dataDir, appUserFile)
}

// LoadAdminUser reads the administrative NATS user.
func LoadAdminUser(dataDir string) (bus.UserPass, error) {
	return loadUser(dataDir, adminUserFile)
}

func loadUser(dataDir, name string) (bus.UserPass, error) {
	dir := SecretsDir(dataDir)
	if err := bus.CheckPrivate(dir); err != nil {
		return bus.UserPass{}, err
	}
	return bus.ReadUserPass(filepath.Join(dir, name))
}

func (s *Secrets) userPass(dir, file, user string) (bus.UserPass, error) {
	path := filepath.Join(dir, file)
	up, err := bus.ReadUserPass(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return up, err
	}
	up = bus.NewUserPass(user)
	if err := bus.WriteUserPass(path, up); err != nil {
		return up, err
	}
	s.Created = append(s.Created, path)
	return up, nil
}

func (s *Secrets) storeKey(dataDir string) error {
	if k := os.Getenv(StoreKeyEnv); k != "" {
		if len(k) < MinStoreKeyLen {
			return fmt.Errorf("%w: %s has %d characters, at least %d are needed", ErrWeakStoreKey, StoreKeyEnv, len(k), MinStoreKeyLen)
		}
		s.StoreKey, s.FromEnv = k, true
		return nil
	}
	path := StoreKeyPath(dataDir)
	b, err := bus.ReadSecretFile(path)
	if err == nil {
		s.StoreKey = string(bytes.TrimSpace(b))
		if len(s.StoreKey) < MinStoreKeyLen {
			return fmt.Errorf("%w: %s", ErrWeakStoreKey, path)
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	st, err := bus.InspectStore(filepath.Join(dataDir, "jetstream"))
	if err != nil {
		return err
	}
	if st.Encrypted {
		return fmt.Errorf("%w: %s is missing and the store is encrypted; put back the key you kept (see README, Security), or set %s",
			bus.ErrStoreKeyMissing, path, StoreKeyEnv)
	}
	s.StoreKey = bus.RandomSecret()
	if err := bus.WriteSecretFile(path, []byte(s.StoreKey+"\n")); err != nil {
		return err
	}
	s.Created = append(s.Created, path)
	return nil
}
