package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/facetriage/facetriage/internal/face"
)

// Embedder finds the faces of a photo and returns their descriptors,
// largest face first.
type Embedder func(ctx context.Context, data []byte) ([]face.Descriptor, error)

// Degrader turns a photo into its degraded version; nil keeps it.
type Degrader func(data []byte, path string) ([]byte, error)

// cache keeps embeddings on disk, one JSON line per photo, so an
// interrupted evaluation resumes and experiments reuse what was computed.
type cache struct {
	mu   sync.Mutex
	have map[string]Faces
	f    *os.File
}

func openCache(dir, name string) (*cache, error) {
	c := &cache{have: map[string]Faces{}}
	if dir == "" {
		return c, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, name+".jsonl")
	if f, err := os.Open(path); err == nil {
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var fs Faces
			if json.Unmarshal(sc.Bytes(), &fs) == nil {
				c.have[fs.Path] = fs
			}
		}
		f.Close()
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	c.f = f
	return c, nil
}

func (c *cache) get(path string) (Faces, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fs, ok := c.have[path]
	return fs, ok
}

func (c *cache) put(fs Faces) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.have[fs.Path] = fs
	if c.f != nil {
		b, _ := json.Marshal(fs)
		c.f.Write(append(b, '\n'))
	}
}

func (c *cache) close() {
	if c.f != nil {
		c.f.Close()
	}
}

// embedAll embeds samples with par workers, reusing the cache named name.
func (r *Runner) embedAll(ctx context.Context, name string, samples []Sample, emb Embedder, deg Degrader) ([]Faces, error) {
	c, err := openCache(r.CacheDir, name)
	if err != nil {
		return nil, fmt.Errorf("eval: cache: %w", err)
	}
	defer c.close()
	out := make([]Faces, len(samples))
	var next atomic.Int64
	var done atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	stopProgress := r.progress(name, len(samples), &done, start)
	defer stopProgress()
	for w := 0; w < max(1, r.Workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(samples) || ctx.Err() != nil {
					return
				}
				p := samples[i].Path
				if fs, ok := c.get(p); ok {
					out[i] = fs
					done.Add(1)
					continue
				}
				fs := Faces{Path: p}
				data, err := os.ReadFile(p)
				if err == nil && deg != nil {
					data, err = deg(data, p)
				}
				if err == nil {
					fs.Descriptors, err = emb(ctx, data)
				}
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					fs.Err = err.Error()
				}
				c.put(fs)
				out[i] = fs
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	return out, ctx.Err()
}

func (r *Runner) progress(name string, total int, done *atomic.Int64, start time.Time) func() {
	if r.Progress == nil {
		return func() {}
	}
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(30 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				n := done.Load()
				fmt.Fprintf(r.Progress, "eval: %s: %d/%d photos, %s\n", name, n, total, time.Since(start).Round(time.Second))
			}
		}
	}()
	return func() {
		close(stop)
		fmt.Fprintf(r.Progress, "eval: %s: %d photos in %s\n", name, total, time.Since(start).Round(time.Second))
	}
}

// refill re-embeds, with emb, the samples in which no face was found, and
// returns faces with their new faces (cached as name).
func (r *Runner) refill(ctx context.Context, name string, samples []Sample, faces []Faces, emb Embedder, deg Degrader) ([]Faces, error) {
	var idx []int
	var todo []Sample
	for i, f := range faces {
		if len(f.Descriptors) == 0 && f.Err == "" {
			idx = append(idx, i)
			todo = append(todo, samples[i])
		}
	}
	got, err := r.embedAll(ctx, name, todo, emb, deg)
	if err != nil {
		return nil, err
	}
	out := append([]Faces(nil), faces...)
	for k, i := range idx {
		out[i] = got[k]
	}
	return out, nil
}
