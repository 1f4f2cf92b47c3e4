package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// ErrSnapshot means a stream snapshot or restore failed on the server's
// side or was cut short.
var ErrSnapshot = errors.New("bus: stream snapshot")

// chunkTimeout is how long a snapshot or restore waits for the next chunk
// or its acknowledgement.
const chunkTimeout = 30 * time.Second

// SnapshotMeta is a stream's configuration and state when its snapshot was
// taken, as the server describes them (JSON, kept as is so that a restore
// gives the server back exactly what it said).
type SnapshotMeta struct {
	Config json.RawMessage `json:"config"`
	State  json.RawMessage `json:"state"`
}

// Messages is the number of messages and the last sequence of the state.
func (m SnapshotMeta) Messages() (msgs, lastSeq uint64, err error) {
	var st server.StreamState
	if err := json.Unmarshal(m.State, &st); err != nil {
		return 0, 0, fmt.Errorf("%w: state: %w", ErrSnapshot, err)
	}
	return st.Msgs, st.LastSeq, nil
}

// SnapshotStream asks the server for a snapshot of a stream (JetStream's
// $JS.API.STREAM.SNAPSHOT: the messages, without consumers, in the server's
// own s2-compressed archive; the server reads them through its store, so an
// encrypted store gives plain messages) and writes it to w. The snapshot is
// consistent: the messages up to the last sequence of the state returned.
// begin, when not nil, receives the configuration and state before the
// first byte is written. It needs a user allowed the stream administration
// API (RoleOps).
func SnapshotStream(ctx context.Context, nc *nats.Conn, stream string, begin func(SnapshotMeta) error, w io.Writer) (SnapshotMeta, error) {
	var meta SnapshotMeta
	inbox := nc.NewInbox()
	sub, err := nc.SubscribeSync(inbox)
	if err != nil {
		return meta, fmt.Errorf("%w %s: %w", ErrSnapshot, stream, err)
	}
	defer sub.Unsubscribe()
	if err := sub.SetPendingLimits(-1, -1); err != nil {
		return meta, fmt.Errorf("%w %s: %w", ErrSnapshot, stream, err)
	}
	var resp server.JSApiStreamSnapshotResponse
	req := server.JSApiStreamSnapshotRequest{DeliverSubject: inbox, NoConsumers: true}
	if err := apiRequest(ctx, nc, fmt.Sprintf(server.JSApiStreamSnapshotT, stream), req, &resp); err != nil {
		return meta, fmt.Errorf("%w %s: %w", ErrSnapshot, stream, err)
	}
	if resp.Config == nil || resp.State == nil {
		return meta, fmt.Errorf("%w %s: the server sent no configuration or state", ErrSnapshot, stream)
	}
	meta.Config, _ = json.Marshal(resp.Config)
	meta.State, _ = json.Marshal(resp.State)
	if begin != nil {
		if err := begin(meta); err != nil {
			return meta, err
		}
	}
	for {
		wait, cancel := context.WithTimeout(ctx, chunkTimeout)
		m, err := sub.NextMsgWithContext(wait)
		cancel()
		if err != nil {
			return meta, fmt.Errorf("%w %s: waiting for a chunk: %w", ErrSnapshot, stream, err)
		}
		if len(m.Data) == 0 { // the end, with a status
			if st := m.Header.Get("Status"); st != "" && st != "204" {
				return meta, fmt.Errorf("%w %s: the server stopped: %s %s", ErrSnapshot, stream, st, m.Header.Get("Description"))
			}
			return meta, nil
		}
		if _, err := w.Write(m.Data); err != nil {
			return meta, fmt.Errorf("%w %s: %w", ErrSnapshot, stream, err)
		}
		if m.Reply != "" { // flow control: the next chunks come after this
			if err := m.Respond(nil); err != nil {
				return meta, fmt.Errorf("%w %s: %w", ErrSnapshot, stream, err)
			}
		}
	}
}

// RestoreStream creates a stream from a snapshot that SnapshotStream wrote
// ($JS.API.STREAM.RESTORE), reading the snapshot from r until EOF. A read
// error from r abandons the restore: the server then drops what it
// received. It returns the restored stream's state; the stream must not
// exist. It needs a user allowed the stream administration API (RoleOps).
func RestoreStream(ctx context.Context, nc *nats.Conn, meta SnapshotMeta, r io.Reader) (server.StreamState, error) {
	var cfg struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(meta.Config, &cfg); err != nil || cfg.Name == "" {
		return server.StreamState{}, fmt.Errorf("%w: restore: the configuration names no stream (%v)", ErrSnapshot, err)
	}
	stream := cfg.Name
	var resp server.JSApiStreamRestoreResponse
	if err := apiRequest(ctx, nc, fmt.Sprintf(server.JSApiStreamRestoreT, stream), meta, &resp); err != nil {
		return server.StreamState{}, fmt.Errorf("%w: restore %s: %w", ErrSnapshot, stream, err)
	}
	chunk := make([]byte, min(128<<10, int(nc.MaxPayload())))
	for {
		n, err := io.ReadFull(r, chunk)
		if n > 0 {
			if err := restoreChunk(ctx, nc, resp.DeliverSubject, chunk[:n]); err != nil {
				return server.StreamState{}, fmt.Errorf("%w: restore %s: %w", ErrSnapshot, stream, err)
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return server.StreamState{}, fmt.Errorf("%w: restore %s: reading the snapshot: %w", ErrSnapshot, stream, err)
		}
	}
	// An empty chunk ends the transfer; the server then builds the stream.
	var done server.JSApiStreamCreateResponse
	wait, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if err := apiRequest(wait, nc, resp.DeliverSubject, nil, &done); err != nil {
		return server.StreamState{}, fmt.Errorf("%w: restore %s: %w", ErrSnapshot, stream, err)
	}
	if done.StreamInfo == nil {
		return server.StreamState{}, fmt.Errorf("%w: restore %s: the server returned no stream", ErrSnapshot, stream)
	}
	return done.State, nil
}

// restoreChunk sends one chunk and waits for its acknowledgement (an empty
// reply; an error is a JSON response).
func restoreChunk(ctx context.Context, nc *nats.Conn, subject string, b []byte) error {
	wait, cancel := context.WithTimeout(ctx, chunkTimeout)
	defer cancel()
	m, err := nc.RequestWithContext(wait, subject, b)
	if err != nil {
		return err
	}
	if len(m.Data) > 0 {
		var r server.ApiResponse
		if err := json.Unmarshal(m.Data, &r); err != nil {
			return fmt.Errorf("unexpected reply %q", m.Data)
		}
		if r.Error != nil {
			return r.Error
		}
	}
	return nil
}

// apiRequest sends a JSON request (nil: an empty message) and decodes the
// JSON reply into resp, turning an API error into an error.
func apiRequest(ctx context.Context, nc *nats.Conn, subject string, req any, resp any) error {
	var body []byte
	if req != nil {
		var err error
		if body, err = json.Marshal(req); err != nil {
			return err
		}
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, chunkTimeout)
		defer cancel()
	}
	m, err := nc.RequestWithContext(ctx, subject, body)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(m.Data, resp); err != nil {
		return fmt.Errorf("reply %q: %w", m.Data, err)
	}
	var r struct {
		Error *server.ApiError `json:"error"`
	}
	if json.Unmarshal(m.Data, &r) == nil && r.Error != nil {
		return r.Error
	}
	return nil
}

// CopyStream copies a stream from one server to another through a snapshot
// and a restore, without storing the snapshot. The stream must not exist
// on the target. Both connections need RoleOps's permissions.
func CopyStream(ctx context.Context, from, to *nats.Conn, stream string) (msgs uint64, err error) {
	pr, pw := io.Pipe()
	metas := make(chan SnapshotMeta, 1)
	snapErr := make(chan error, 1)
	go func() {
		_, err := SnapshotStream(ctx, from, stream, func(m SnapshotMeta) error { metas <- m; return nil }, pw)
		pw.CloseWithError(err) // nil: EOF for the restore
		snapErr <- err
	}()
	var meta SnapshotMeta
	select {
	case meta = <-metas:
	case err := <-snapErr:
		return 0, err
	}
	st, err := RestoreStream(ctx, to, meta, pr)
	pr.CloseWithError(errors.New("restore ended")) // unblock the snapshot after a failure
	serr := <-snapErr
	if err != nil {
		return 0, err
	}
	if serr != nil {
		return 0, serr
	}
	want, last, err := meta.Messages()
	if err != nil {
		return 0, err
	}
	if st.Msgs != want || st.LastSeq != last {
		return 0, fmt.Errorf("%w: copy of %s: %d messages up to %d, want %d up to %d", ErrSnapshot, stream, st.Msgs, st.LastSeq, want, last)
	}
	return want, nil
}
