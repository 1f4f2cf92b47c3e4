package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/engine/native"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/pipeline"
)

type embedCmd struct {
	JSON  bool     `name:"json" help:"One JSON object per photo and line."`
	Crops string   `name:"crops" type:"path" help:"Write an aligned face crop per face into this folder, as SHA256_K.jpg."`
	Paths []string `arg:"" name:"path" help:"Photos, or folders to search for photos."`
}

// embedLine is one photo in --json output.
type embedLine struct {
	Path   string      `json:"path"`
	SHA256 string      `json:"sha256,omitempty"`
	Width  int         `json:"width,omitempty"`
	Height int         `json:"height,omitempty"`
	Faces  []embedFace `json:"faces"`
	Error  *string     `json:"error"`
	// Kind names the error's class: empty, not_image, truncated, too_large,
	// too_small, corrupt or io.
	Kind string `json:"error_kind,omitempty"`
}

type embedFace struct {
	Box        face.Box        `json:"box"`
	Rotation   face.Rotation   `json:"rotation"`
	Detector   face.Detector   `json:"detector"`
	Size       int             `json:"size"`
	Sharpness  float64         `json:"sharpness"`
	Landmarks  face.Landmarks  `json:"landmarks"`
	Descriptor face.Descriptor `json:"descriptor"`
}

func (c *embedCmd) Run(e *env) error {
	if c.Crops != "" {
		if err := os.MkdirAll(c.Crops, 0o755); err != nil {
			return usageError{fmt.Errorf("--crops: %w", err)}
		}
	}
	eng, err := native.Open(e.cfg, func(o *engine.Options) { o.Crops = c.Crops != "" })
	if err != nil {
		return fmt.Errorf("embed: %w", app.EngineError(err))
	}
	defer eng.Close()
	files := imgfile.Expand(c.Paths)
	var mu sync.Mutex
	encode := json.NewEncoder(e.stdout)
	emit := func(l embedLine) {
		mu.Lock()
		defer mu.Unlock()
		if c.JSON {
			_ = encode.Encode(l)
			return
		}
		printText(e, l)
	}
	inOrder(e.ctx, len(files), eng.Pool.Size(), func(ctx context.Context, i int) embedLine {
		return c.embedOne(ctx, eng.Engine, files[i])
	}, emit)
	return e.ctx.Err()
}

func (c *embedCmd) embedOne(ctx context.Context, eng *engine.Engine, path string) embedLine {
	l := embedLine{Path: path, Faces: []embedFace{}}
	fail := func(err error) embedLine {
		s := err.Error()
		l.Error, l.Kind = &s, errorKind(err)
		return l
	}
	data, err := imgfile.ReadFile(path)
	if err != nil {
		return fail(err)
	}
	sum := sha256.Sum256(data)
	l.SHA256 = hex.EncodeToString(sum[:])
	res, err := eng.Embed(ctx, data)
	if err != nil {
		return fail(err)
	}
	l.Width, l.Height = res.Width, res.Height
	for k, f := range res.Faces {
		l.Faces = append(l.Faces, embedFace{Box: f.Box, Rotation: f.Rotation, Detector: f.Detector,
			Size: f.Size, Sharpness: f.Sharpness, Landmarks: f.Landmarks, Descriptor: f.Descriptor})
		if c.Crops != "" && f.Crop != nil {
			name := filepath.Join(c.Crops, fmt.Sprintf("%s_%d.jpg", l.SHA256, k))
			if err := os.WriteFile(name, f.Crop, 0o644); err != nil {
				return fail(err)
			}
		}
	}
	return l
}

func errorKind(err error) string {
	if k := pipeline.ErrorKind(err); k != "" {
		return k
	}
	return "io"
}

func printText(e *env, l embedLine) {
	if l.Error != nil {
		fmt.Fprintf(e.stdout, "%s: error: %s\n", l.Path, *l.Error)
		return
	}
	fmt.Fprintf(e.stdout, "%s: %d×%d, %d face(s), sha256 %s\n", l.Path, l.Width, l.Height, len(l.Faces), l.SHA256)
	for k, f := range l.Faces {
		b := f.Box
		fmt.Fprintf(e.stdout, "  face %d: box [%d %d %d %d], found at %d° by %s, %d px, sharpness %.0f\n",
			k+1, b.Min.X, b.Min.Y, b.Max.X, b.Max.Y, f.Rotation, f.Detector, f.Size, f.Sharpness)
	}
}

// inOrder runs work(i) for i in [0, n) on up to par goroutines and calls
// emit with the results in index order. At most 4·par results wait to be
// emitted, so memory stays bounded on large folders.
func inOrder[T any](ctx context.Context, n, par int, work func(context.Context, int) T, emit func(T)) {
	if par < 1 {
		par = 1
	}
	window := make(chan struct{}, 4*par)
	jobs := make(chan int)
	type done struct {
		i int
		v T
	}
	results := make(chan done)
	var wg sync.WaitGroup
	for w := 0; w < par; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results <- done{i, work(ctx, i)}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := 0; i < n; i++ {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				<-window
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	pending := map[int]T{}
	next := 0
	for r := range results {
		pending[r.i] = r.v
		for {
			v, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			emit(v)
			<-window
			next++
		}
	}
}
