//go:build linux

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// runRaw runs the raw engine on the photos: `facetriage embed --workers 1`,
// one recognizer, no NATS, no crops, no records. It writes one line per
// photo as each is done; the time and CPU are taken from its first line to
// its last, so that loading the models and the first photo are left out:
// n-1 photos are timed.
func runRaw(ctx context.Context, c config, photos string, n int, dir string) (row, error) {
	r := row{FaceProcs: 1, Photos: n - 1}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return r, err
	}
	args := []string{"embed", "--json", "--workers", "1", "--log-level", c.WorkerLogLevel, "--data", filepath.Join(dir, "data"), photos}
	if c.Models != "" {
		args = append(args, "--models", c.Models)
	}
	var (
		mu                  sync.Mutex
		lines, faces, fails int
		first, last         time.Time
		cpuFirst, cpuLast   time.Duration
		cpuErr              error
	)
	onLine := func(p *proc, stdout bool, line string, at time.Time) {
		if !stdout {
			return
		}
		var l struct {
			Faces []json.RawMessage `json:"faces"`
			Error *string           `json:"error"`
		}
		mu.Lock()
		defer mu.Unlock()
		lines++
		if err := json.Unmarshal([]byte(line), &l); err != nil || l.Error != nil {
			fails++
		}
		faces += len(l.Faces)
		if lines == 1 || lines == n {
			d, err := procCPU(p.cmd.Process.Pid)
			if err != nil {
				cpuErr = err
			}
			if lines == 1 {
				first, cpuFirst = at, d
			} else {
				last, cpuLast = at, d
			}
		}
	}
	p, err := startProc("embed", c.Bin, args, childEnv(), dir, onLine)
	if err != nil {
		return r, err
	}
	defer p.stop()
	if err := p.wait(ctx); err != nil {
		return r, err
	}
	mu.Lock()
	defer mu.Unlock()
	if lines != n || cpuErr != nil {
		return r, fmt.Errorf("embed wrote %d lines for %d photos (CPU: %v); log: %s", lines, n, cpuErr, p.log)
	}
	r.Wall = last.Sub(first)
	r.FacesCPU = cpuLast - cpuFirst
	r.AllCPU = r.FacesCPU
	r.Note = fmt.Sprintf("%d faces in all %d photos, %d errors; photos 2 to %d timed", faces, n, fails, n)
	return r, nil
}
