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
}

// StartEmbedded starts a JetStream server on loopback and waits until it
// accepts connections.
func StartEmbedded(o EmbeddedOptions) (*Embedded, error) {
	port := o.Port
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{
		ServerName: "facetriage-embedded",
		Host:       "127.0.0.1",
		Port:       port,
		JetStream:  true,
		StoreDir:   filepath.Join(o.Dir, "jetstream"),
		MaxPayload: MaxPayload,
		// Records are the evidence trail: flush them to disk every second
		// rather than every two minutes (the default).
		SyncInterval: time.Second,
		NoSigs:       true,
		NoLog:        o.Log == nil,
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
	return &Embedded{srv: s}, nil
}

// URL is the client URL, for other processes.
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
	if strings.HasPrefix(msg, "Maximum payloads over") { // MaxPayload is large on purpose
		a.l.Debug(msg)
		return
	}
	a.l.Warn(msg)
}
func (a slogAdapter) Fatalf(f string, v ...any) { a.l.Error(fmt.Sprintf(f, v...)) }
func (a slogAdapter) Errorf(f string, v ...any) { a.l.Error(fmt.Sprintf(f, v...)) }
func (a slogAdapter) Debugf(f string, v ...any) { a.l.Debug(fmt.Sprintf(f, v...)) }
func (a slogAdapter) Tracef(f string, v ...any) {}
