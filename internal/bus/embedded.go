package bus

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// MaxPayload is the largest message the embedded server accepts: a photo
// travels in its PhotoJob and FacesJob, so this bounds the photo size.
// A cluster for scale-out needs the same max_payload (deploy/nats.conf).
const MaxPayload = 32 << 20

// MaxPhotoBytes is the largest photo that fits a message with room to spare.
const MaxPhotoBytes = MaxPayload - 64<<10

// Embedded is an in-process nats-server with JetStream.
type Embedded struct {
	srv *server.Server
}

// EmbeddedOptions configure StartEmbedded.
type EmbeddedOptions struct {
	// Dir holds JetStream's storage (Dir/jetstream).
	Dir string
	// Port is the loopback port for other processes (ingest, status); 0
	// picks a free one.
	Port int
	Log  *slog.Logger
	// App and Admin are the only users the server accepts: App with
	// RoleAPI's permissions, Admin with every permission (RoleOps). Both
	// are required.
	App, Admin UserPass
	// StoreKey encrypts the store with nats-server's store cipher (AES-GCM);
	// empty leaves it in plain files. See StoreState.
	StoreKey string
}

// StartEmbedded starts a JetStream server on loopback and waits until it
// accepts connections. It refuses a store that is encrypted when no key is
// given, and one with streams written without a key when a key is given
// (ErrStorePlain), and shuts down again if any stream of the store could not be
// loaded (a wrong key, or damaged files): creating the topology over such a
// store would put new, empty streams where the old ones lie.
func StartEmbedded(o EmbeddedOptions) (*Embedded, error) {
	if o.App.User == "" || o.App.Password == "" || o.Admin.User == "" || o.Admin.Password == "" || o.App.User == o.Admin.User {
		return nil, errors.New("bus: embedded server: two users with passwords are required")
	}
	storeDir := filepath.Join(o.Dir, "jetstream")
	st, err := InspectStore(storeDir)
	if err != nil {
		return nil, err
	}
	if st.Encrypted && o.StoreKey == "" {
		return nil, fmt.Errorf("%w: %s holds encrypted streams (%s) and no key was given", ErrStoreKeyMissing, storeDir, strings.Join(st.EncryptedStreams, ", "))
	}
	if plain := st.Plain(); o.StoreKey != "" && len(plain) > 0 {
		return nil, fmt.Errorf("%w: %s holds streams written without a key (%s)", ErrStorePlain, storeDir, strings.Join(plain, ", "))
	}
	port := o.Port
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{
		ServerName: "facetriage-embedded",
		Host:       "127.0.0.1",
		Port:       port,
		JetStream:  true,
		StoreDir:   storeDir,
		MaxPayload: MaxPayload,
		// Records are the evidence trail: flush them to disk every second
		// rather than every two minutes (the default).
		SyncInterval: time.Second,
		NoSigs:       true,
		NoLog:        o.Log == nil,
		Users: []*server.User{
			{Username: o.App.User, Password: o.App.Password, Permissions: Permissions(RoleAPI)},
			{Username: o.Admin.User, Password: o.Admin.Password},
		},
		AuthTimeout: 5,
	}
	if o.StoreKey != "" {
		opts.JetStreamKey, opts.JetStreamCipher = o.StoreKey, server.AES
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("bus: embedded server: %w", err)
	}
	if o.Log != nil {
		s.SetLoggerV2(slogAdapter{o.Log.With("component", "nats-server")}, false, false, false)
	}
	go s.Start()
	if !s.ReadyForConnections(30 * time.Second) {
		s.Shutdown()
		return nil, errors.New("bus: embedded server did not start within 30 s")
	}
	e := &Embedded{srv: s}
	if err := e.checkLoaded(st.Streams); err != nil {
		e.Shutdown()
		return nil, err
	}
	return e, nil
}

// checkLoaded fails unless every stream found in the store was loaded.
func (e *Embedded) checkLoaded(want []string) error {
	if len(want) == 0 {
		return nil
	}
	info, err := e.srv.Jsz(&server.JSzOptions{Accounts: true, Streams: true})
	if err != nil {
		return fmt.Errorf("bus: embedded server: %w", err)
	}
	loaded := map[string]bool{}
	for _, a := range info.AccountDetails {
		for _, s := range a.Streams {
			loaded[s.Name] = true
		}
	}
	var missing []string
	for _, name := range want {
		if !loaded[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s (a wrong store key, or damaged files; the server's log says which); stopped before creating anything",
			ErrStoreUnreadable, strings.Join(missing, ", "))
	}
	return nil
}

// URL is the client URL, for other processes. It holds no credentials.
func (e *Embedded) URL() string { return e.srv.ClientURL() }

// Server is the underlying server (for in-process connections).
func (e *Embedded) Server() *server.Server { return e.srv }

// Shutdown stops the server and waits for it.
func (e *Embedded) Shutdown() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}

// slogAdapter routes nats-server's log lines to slog.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Noticef(f string, v ...any) { a.l.Debug(fmt.Sprintf(f, v...)) }
func (a slogAdapter) Warnf(f string, v ...any) {
	msg := fmt.Sprintf(f, v...)
	// MaxPayload is large on purpose; the passwords are in plain text in
	// DATA/secrets anyway, for the clients.
	if strings.HasPrefix(msg, "Maximum payloads over") || strings.HasPrefix(msg, "Plaintext passwords detected") {
		a.l.Debug(msg)
		return
	}
	a.l.Warn(msg)
}
func (a slogAdapter) Fatalf(f string, v ...any) { a.l.Error(fmt.Sprintf(f, v...)) }
func (a slogAdapter) Errorf(f string, v ...any) { a.l.Error(fmt.Sprintf(f, v...)) }
func (a slogAdapter) Debugf(f string, v ...any) { a.l.Debug(fmt.Sprintf(f, v...)) }
func (a slogAdapter) Tracef(f string, v ...any) {}
