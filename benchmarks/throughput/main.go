//go:build linux

// Command throughput measures the scale-out pipeline's ingest throughput
// against the raw face engine, in one run on one machine (issue 10):
//
//	CGO_ENABLED=1 go build -o bin/facetriage ./cmd/facetriage
//	go run ./benchmarks/throughput --n 200 --workers 1,2,4 --out throughput.md
//
// For one NATS server, then a 3-node NATS cluster (in this process, from
// deploy/nats.conf), and for each count of face workers, it runs the
// pipeline as processes of the binary, ingests the photos, and reads the
// wall time and the CPU time of every process; the reference is `facetriage
// embed --workers 1` on the same photos. benchmarks/README.md ("Throughput")
// says what is measured and how. Linux only: CPU time is read from /proc.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

// config is the command line.
type config struct {
	Bin, Models     string
	Photos, Extra   string
	N               int
	Seed            int64
	Workers         []int
	Topologies      []string
	NATSConf        string
	Out, Work       string
	Keep            bool
	EstimatePhotos  int
	EstimateCores   []int
	WorkerLogLevel  string
	ReadyTimeoutSec int
}

func main() {
	var c config
	var workers, topologies, cores string
	flag.StringVar(&c.Bin, "bin", "bin/facetriage", "the facetriage binary (CGO_ENABLED=1 go build -o bin/facetriage ./cmd/facetriage)")
	flag.StringVar(&c.Models, "models", os.Getenv("FACETRIAGE_MODELS"), "model directory passed to the binary (default: $FACETRIAGE_MODELS, else the binary's default)")
	flag.StringVar(&c.Photos, "photos", "../shared/datasets/lfw-deepfunneled", "folder of photos to draw from")
	flag.StringVar(&c.Extra, "extra", "", "a folder whose photos are all added, e.g. ../shared/testdata/go-face/images")
	flag.IntVar(&c.N, "n", 200, "photos drawn from --photos (0: all)")
	flag.Int64Var(&c.Seed, "seed", 1, "seed of the draw")
	flag.StringVar(&workers, "workers", "1,2,4", "face worker processes per run, comma-separated")
	flag.StringVar(&topologies, "topologies", "single,cluster", "NATS topologies: single (one server), cluster (3 nodes)")
	flag.StringVar(&c.NATSConf, "nats-conf", "deploy/nats.conf", "the NATS configuration the servers load")
	flag.StringVar(&c.Out, "out", "", "also write the Markdown table to this file")
	flag.StringVar(&c.Work, "work", "", "parent folder of the run's temporary folder (default: the system's)")
	flag.BoolVar(&c.Keep, "keep", false, "keep the temporary folder (logs, stores, keys)")
	flag.IntVar(&c.EstimatePhotos, "estimate-photos", 70000, "size of the cache the time estimates are for")
	flag.StringVar(&cores, "estimate-cores", "2,16,64", "core counts the time estimates are for")
	flag.StringVar(&c.WorkerLogLevel, "log-level", "info", "log level of the processes (their logs are in the temporary folder)")
	flag.IntVar(&c.ReadyTimeoutSec, "ready-timeout", 300, "seconds to wait for the workers to load their models and pull")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: go run ./benchmarks/throughput [flags]   (from the repository root)")
		flag.PrintDefaults()
	}
	flag.Parse()
	var err error
	if c.Workers, err = ints(workers); err == nil {
		c.EstimateCores, err = ints(cores)
	}
	c.Topologies = strings.Split(topologies, ",")
	if err == nil {
		err = c.check()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "throughput:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(ctx, c)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "throughput:", err)
		os.Exit(1)
	}
}

func (c config) check() error {
	for _, t := range c.Topologies {
		if _, ok := topologyNodes[t]; !ok {
			return fmt.Errorf("unknown topology %q (single, cluster)", t)
		}
	}
	for _, w := range c.Workers {
		if w < 1 {
			return errors.New("--workers: each count must be at least 1")
		}
	}
	if c.N < 0 {
		return errors.New("--n must not be negative")
	}
	return nil
}

// ints parses "1,2,4".
func ints(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("%q: want comma-separated integers", s)
		}
		out = append(out, n)
	}
	return out, nil
}
