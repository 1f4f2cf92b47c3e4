//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// topologyNodes is the number of NATS servers of each topology.
var topologyNodes = map[string]int{"single": 1, "cluster": 3}

// run measures every setting and prints the table.
func run(ctx context.Context, c config) (err error) {
	if _, err := os.Stat(c.Bin); err != nil {
		return fmt.Errorf("the binary: %w (build it: CGO_ENABLED=1 go build -o bin/facetriage ./cmd/facetriage)", err)
	}
	work, err := os.MkdirTemp(c.Work, "throughput-")
	if err != nil {
		return err
	}
	if c.Keep {
		fmt.Fprintln(os.Stderr, "throughput: keeping", work)
	} else {
		defer func() {
			os.RemoveAll(work)
			if err != nil {
				err = fmt.Errorf("%w\n(the logs are removed; --keep keeps them)", err)
			}
		}()
	}
	photos := filepath.Join(work, "photos")
	n, err := preparePhotos(c, photos)
	if err != nil {
		return err
	}
	if n < 2 {
		return fmt.Errorf("%d photos: at least 2 are needed", n)
	}
	m := measurement{Start: time.Now(), Photos: n, LoadStart: loadAverage()}
	progress := func(r row) { fmt.Fprintf(os.Stderr, "throughput: %s\n", r.summary()) }

	raw := func(label string) error {
		r, err := runRaw(ctx, c, photos, n, filepath.Join(work, "raw-"+label))
		if err != nil {
			return fmt.Errorf("raw engine (%s): %w", label, err)
		}
		r.Setting = "raw engine, " + label
		m.Raw = append(m.Raw, r)
		progress(r)
		return nil
	}
	if err := raw("before"); err != nil {
		return err
	}
	for _, topo := range c.Topologies {
		for _, w := range c.Workers {
			s := setting{Topology: topo, Nodes: topologyNodes[topo], Faces: w}
			r, err := runPipeline(ctx, c, s, photos, n, filepath.Join(work, fmt.Sprintf("%s-%d", topo, w)))
			if err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
			m.Pipeline = append(m.Pipeline, r)
			progress(r)
		}
	}
	if err := raw("after"); err != nil {
		return err
	}
	m.LoadEnd = loadAverage()
	report := m.markdown(c)
	fmt.Print(report)
	if c.Out != "" {
		return os.WriteFile(c.Out, []byte(report), 0o644)
	}
	return nil
}
