package bus

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// ErrSecretExposed means a file holding a secret can be read, or changed,
// by other accounts of the machine than its owner (or belongs to another
// account). facetriage refuses to use it rather than keep using a secret
// that may already be known.
var ErrSecretExposed = errors.New("bus: a secret file is readable or writable by other accounts")

// UserPass is a NATS user name and password.
type UserPass struct {
	User     string
	Password string
}

// NewUserPass makes a user with a random 256-bit password.
func NewUserPass(user string) UserPass {
	return UserPass{User: user, Password: RandomSecret()}
}

// RandomSecret is 32 random bytes, base64url-encoded (43 characters).
func RandomSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ReadUserPass reads a user/password file: one line USER:PASSWORD (the user
// name cannot contain a colon; the password may). The file must be private
// to its owner (CheckPrivate).
func ReadUserPass(path string) (UserPass, error) {
	b, err := ReadSecretFile(path)
	if err != nil {
		return UserPass{}, err
	}
	line := string(bytes.TrimRight(b, "\r\n"))
	user, pass, ok := strings.Cut(line, ":")
	if !ok || user == "" || pass == "" || strings.ContainsAny(line, "\r\n") {
		return UserPass{}, fmt.Errorf("bus: %s: want one line USER:PASSWORD", path)
	}
	return UserPass{User: user, Password: pass}, nil
}

// WriteUserPass writes a user/password file of mode 0600; it fails if the
// file exists.
func WriteUserPass(path string, up UserPass) error {
	return WriteSecretFile(path, []byte(up.User+":"+up.Password+"\n"))
}

// ReadSecretFile reads a file after checking that it is private to its
// owner.
func ReadSecretFile(path string) ([]byte, error) {
	if err := CheckPrivate(path); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bus: %w", err)
	}
	return b, nil
}

// WriteSecretFile creates path with mode 0600 and writes b; it never
// replaces an existing file.
func WriteSecretFile(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("bus: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("bus: write %s: %w", path, err)
	}
	return nil
}

// CheckPrivate returns ErrSecretExposed when path (a file or a directory)
// has any permission bit for group or others, or belongs to another
// account than this process's.
func CheckPrivate(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("bus: %w", err)
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		want := "chmod 600"
		if fi.IsDir() {
			want = "chmod 700"
		}
		return fmt.Errorf("%w: %s has mode %04o; if no one else could have read it, `%s %s`, otherwise make new secrets",
			ErrSecretExposed, path, mode, want, path)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%w: %s belongs to user id %d, not to this process's (%d)", ErrSecretExposed, path, st.Uid, os.Geteuid())
	}
	return nil
}
