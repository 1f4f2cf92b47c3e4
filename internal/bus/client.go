package bus

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
)

// Client says how a process reaches NATS and proves who it is.
type Client struct {
	URL string
	// Role picks the inbox prefix (InboxPrefix) that the role's NATS user
	// may subscribe to.
	Role string
	// At most one of the following.
	UserPass  *UserPass // the embedded server's users, or UserPassFile
	UserFile  string    // a USER:PASSWORD file (ReadUserPass)
	CredsFile string    // a NATS .creds file (JWT and seed)
	NKeyFile  string    // an NKEY user seed
	// TLS: a CA to trust (besides the system's), and a client certificate.
	TLSCA, TLSCert, TLSKey string
	// Name is the connection's name, shown by the server's monitoring.
	Name string
}

// ErrBadCredentials means the client options name more than one way to
// authenticate, a certificate without its key, or an unreadable file.
var ErrBadCredentials = errors.New("bus: bad NATS credentials")

// Options are the nats.go options for c. Files holding a secret must be
// private to their owner (CheckPrivate).
func (c Client) Options() ([]nats.Option, error) {
	opts := []nats.Option{nats.Name(c.Name), nats.CustomInboxPrefix(InboxPrefix(c.Role))}
	n := 0
	for _, set := range []bool{c.UserPass != nil, c.UserFile != "", c.CredsFile != "", c.NKeyFile != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return nil, fmt.Errorf("%w: give one of a user/password file, a .creds file or an NKEY seed", ErrBadCredentials)
	}
	up := c.UserPass
	switch {
	case c.UserFile != "":
		u, err := ReadUserPass(c.UserFile)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadCredentials, err)
		}
		up = &u
	case c.CredsFile != "":
		if err := CheckPrivate(c.CredsFile); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadCredentials, err)
		}
		opts = append(opts, nats.UserCredentials(c.CredsFile))
	case c.NKeyFile != "":
		if err := CheckPrivate(c.NKeyFile); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadCredentials, err)
		}
		o, err := nats.NkeyOptionFromSeed(c.NKeyFile)
		if err != nil {
			return nil, fmt.Errorf("%w: NKEY seed %s: %w", ErrBadCredentials, c.NKeyFile, err)
		}
		opts = append(opts, o)
	}
	if up != nil {
		opts = append(opts, nats.UserInfo(up.User, up.Password))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return nil, fmt.Errorf("%w: a TLS client certificate needs its key, and a key its certificate", ErrBadCredentials)
	}
	if c.TLSCert != "" {
		if err := CheckPrivate(c.TLSKey); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadCredentials, err)
		}
		opts = append(opts, nats.ClientCert(c.TLSCert, c.TLSKey))
	}
	if c.TLSCA != "" {
		opts = append(opts, nats.RootCAs(c.TLSCA))
	}
	return opts, nil
}

// Connect connects with c's credentials, reconnecting forever. Permission
// violations (a publish or subscription the user may not make) are logged:
// the request that caused one otherwise only times out.
func (c Client) Connect(log *slog.Logger) (*nats.Conn, error) {
	opts, err := c.Options()
	if err != nil {
		return nil, err
	}
	opts = append(opts, nats.MaxReconnects(-1), nats.ReconnectWait(time.Second),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			if log == nil {
				return
			}
			if sub != nil {
				log.Error("NATS", "subject", sub.Subject, "err", err)
				return
			}
			log.Error("NATS", "err", err)
		}))
	nc, err := nats.Connect(c.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("bus: connect to NATS at %s: %w", c.URL, err)
	}
	return nc, nil
}
