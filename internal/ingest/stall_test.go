package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/pipelinetest"
)

// errDiskFull stands for app.StorageError: the store says why it cannot write.
var errDiskFull = errors.New("insufficient storage in the data directory /data: 0.0 MiB free")

// disk is a Storage that is full until freed.
type disk struct {
	full   atomic.Bool
	checks atomic.Int32
}

func (d *disk) Check(context.Context) error {
	d.checks.Add(1)
	if d.full.Load() {
		return errDiskFull
	}
	return nil
}

// syncBuffer is a log and progress output safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func photos(t *testing.T, n int) string {
	dir := t.TempDir()
	for i := 0; i < n; i++ {
		pipelinetest.Write(t, filepath.Join(dir, fmt.Sprintf("%02d.png", i)), facetest.Photo(facetest.Spec{Person: uint8(i)}))
	}
	return dir
}

// While the store cannot write, ingest publishes nothing, says why in the
// log and on its progress output, and resumes by itself once it can.
func TestIngestPausesWhileTheStoreCannotWrite(t *testing.T) {
	r := pipelinetest.Start(t, nil)
	src := photos(t, 5)
	d := &disk{}
	d.full.Store(true)
	var logs, progress syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	in := &ingest.Ingester{Publisher: bus.Publisher{JS: r.Srv.JS}, Catalogue: r.Catalog}
	done := make(chan ingest.Summary, 1)
	errs := make(chan error, 1)
	go func() {
		sum, err := in.Run(context.Background(), ingest.Options{Paths: []string{src}, Log: log, Progress: &progress, Storage: d})
		done <- sum
		errs <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(logs.String(), "ingest paused") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), errDiskFull.Error()) || !strings.Contains(progress.String(), errDiskFull.Error()) {
		t.Fatalf("ingest did not say why it paused:\nlog: %s\nprogress: %s", logs.String(), progress.String())
	}
	time.Sleep(3 * time.Second) // a recheck or two
	if n, _ := r.Store.Count(context.Background()); n != 0 {
		t.Fatalf("%d photos indexed while paused", n)
	}
	d.full.Store(false)
	select {
	case sum := <-done:
		if err := <-errs; err != nil || sum.Indexed != 5 {
			t.Fatalf("after resuming: %+v, %v; want 5 indexed", sum, err)
		}
	case <-time.After(time.Minute):
		t.Fatal("ingest did not resume")
	}
	if !strings.Contains(logs.String(), "ingest resumed") {
		t.Errorf("ingest did not say it resumed: %s", logs.String())
	}
}

// Stopped while paused, ingest returns the cause with the interruption.
func TestIngestStoppedWhilePausedSaysWhy(t *testing.T) {
	r := pipelinetest.Start(t, nil)
	d := &disk{}
	d.full.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for d.checks.Load() == 0 {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	in := &ingest.Ingester{Publisher: bus.Publisher{JS: r.Srv.JS}, Catalogue: r.Catalog}
	_, err := in.Run(ctx, ingest.Options{Paths: []string{photos(t, 2)}, Storage: d})
	if !errors.Is(err, errDiskFull) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the interruption and the full disk", err)
	}
	t.Logf("reported: %v", err)
}
