package bus

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// jetStreamWithLimit starts a JetStream server whose store may hold
// maxStore bytes, as a small disk gives it.
func jetStreamWithLimit(t *testing.T, maxStore int64) jetstream.JetStream {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, JetStream: true,
		StoreDir: t.TempDir(), JetStreamMaxStore: maxStore, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("server did not start")
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// A store of 64 MiB (three quarters of a small disk's free space) takes the
// whole topology: no stream reserves bytes up front.
func TestTopologyFitsASmallStore(t *testing.T) {
	js := jetStreamWithLimit(t, 64<<20)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := (Topology{}).Ensure(ctx, js); err != nil {
		t.Fatalf("Ensure on a 64 MiB store: %v", err)
	}
	for _, stage := range Stages {
		s, err := js.Stream(ctx, StreamOf(stage))
		if err != nil {
			t.Fatal(err)
		}
		if c := s.CachedInfo().Config; c.MaxBytes > 0 || c.MaxMsgs != StreamMaxMsgs {
			t.Errorf("%s: MaxBytes %d, MaxMsgs %d; want no byte reservation and %d messages", c.Name, c.MaxBytes, c.MaxMsgs, StreamMaxMsgs)
		}
	}
}

// Streams made by earlier versions, with 2 GiB reserved each, are updated.
func TestTopologyDropsTheOldReservation(t *testing.T) {
	js := jetStreamWithLimit(t, 8<<30)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, stage := range Stages {
		if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: StreamOf(stage), Subjects: []string{SubjectOf(stage)},
			Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage, Duplicates: DuplicateWindow,
			MaxMsgSize: MaxPayload, MaxBytes: 2 << 30, Discard: jetstream.DiscardNew}); err != nil {
			t.Fatal(err)
		}
	}
	if err := (Topology{}).Ensure(ctx, js); err != nil {
		t.Fatal(err)
	}
	s, _ := js.Stream(ctx, StreamOf(StageDecode))
	if c := s.CachedInfo().Config; c.MaxBytes > 0 {
		t.Errorf("MaxBytes %d after Ensure, want none", c.MaxBytes)
	}
}

func TestSubjectMatches(t *testing.T) {
	for _, c := range []struct {
		filter, subject string
		want            bool
	}{
		{"$KV.ft_faces.>", "$KV.ft_faces.abc.0", true},
		{"$KV.ft_faces.>", "$KV.ft_faces", false},
		{"$KV.ft_faces.>", "$KV.ft_photos.abc", false},
		{"a.*.c", "a.b.c", true},
		{"a.*.c", "a.b.c.d", false},
		{"a.b", "a.b", true},
		{"a.b", "a", false},
	} {
		if got := subjectMatches(c.filter, c.subject); got != c.want {
			t.Errorf("subjectMatches(%q, %q) = %v, want %v", c.filter, c.subject, got, c.want)
		}
	}
}
