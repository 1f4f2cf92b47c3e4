//go:build linux

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/bus"
)

// waitReady waits for every worker's readyMark, then until each stage's
// consumer has pull requests waiting: the decode and index workers', and
// one per face worker. It also checks that the work queues have the
// replicas wanted.
func waitReady(ctx context.Context, ns *natsServers, workers []*proc, ready chan string, faces, replicas int, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for left := len(workers); left > 0; {
		select {
		case <-ready:
			left--
		case <-time.After(200 * time.Millisecond):
			for _, p := range workers {
				if p.exited() {
					return p.exitError()
				}
			}
		case <-ctx.Done():
			return fmt.Errorf("workers not running after %s (logs in %s)", timeout, filepath.Dir(workers[0].log))
		}
	}
	nc, err := bus.Client{URL: ns.URLs, Role: bus.RoleAPI, NKeyFile: ns.Seeds[bus.RoleAPI], Name: "throughput harness"}.Connect(nil)
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	want := map[string]int{bus.StageDecode: 1, bus.StageFaces: faces, bus.StageIndex: 1}
	for stage := range want {
		if err := checkReplicas(ctx, js, bus.StreamOf(stage), replicas); err != nil {
			return err
		}
	}
	for {
		short := ""
		for stage, w := range want {
			cons, err := js.Consumer(ctx, bus.StreamOf(stage), stage)
			if err != nil {
				return err
			}
			info, err := cons.Info(ctx)
			if err != nil {
				return err
			}
			if info.NumWaiting < w {
				short = fmt.Sprintf("%s: %d pull requests waiting, want %d", stage, info.NumWaiting, w)
			}
		}
		if short == "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("workers not pulling after %s: %s", timeout, short)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// checkReplicas checks that a stream has the replicas wanted, all current.
func checkReplicas(ctx context.Context, js jetstream.JetStream, name string, want int) error {
	st, err := js.Stream(ctx, name)
	if err != nil {
		return err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return err
	}
	got := 1
	if info.Cluster != nil {
		got += len(info.Cluster.Replicas)
	}
	if info.Config.Replicas != want || got != want {
		return fmt.Errorf("stream %s: %d replicas configured, %d present; want %d", name, info.Config.Replicas, got, want)
	}
	return nil
}
