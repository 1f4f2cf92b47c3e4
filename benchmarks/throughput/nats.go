//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/facetriage/facetriage/internal/bus"
)

// natsServers are the NATS servers of one run, in this process.
//
// Credentials: each server loads deploy/nats.conf, the scale-out
// deployment's own configuration, with keys made here by
// bus.WriteDeployKeys (what `facetriage deploy-keys` runs): every
// component connects as its own NKEY user with the permissions of
// internal/bus/permissions.go (api for status and ingest, decode, faces and
// index for the workers), the routes authenticate with the route password,
// and the store is encrypted at rest, as deployed. Only what cannot hold on
// loopback changes: the listen addresses and ports, the routes, the store
// folders; no monitoring port, and no TLS (the compose network has none
// either).
type natsServers struct {
	servers []*server.Server
	// URLs is every client URL, comma-separated, for --nats.
	URLs string
	// Seeds are the NKEY seed files by role.
	Seeds map[string]string
}

// startNATS starts nodes servers (1: alone; more: a JetStream cluster with
// routes between them) with their stores and keys under dir, and waits
// until JetStream has a leader.
func startNATS(ctx context.Context, conf, dir string, nodes int) (*natsServers, error) {
	names := make([]string, nodes)
	for i := range names {
		names[i] = "bench-" + strconv.Itoa(i+1)
	}
	keys, err := bus.WriteDeployKeys(filepath.Join(dir, "secrets"), names)
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(nodes)
	if err != nil {
		return nil, err
	}
	var routes []*url.URL
	for _, p := range ports {
		routes = append(routes, &url.URL{Scheme: "nats-route", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(p)),
			User: url.UserPassword("route", keys.Env["FACETRIAGE_ROUTE_PASSWORD"])})
	}
	ns := &natsServers{Seeds: keys.Seeds}
	var urls []string
	for i, name := range names {
		opts, err := loadConf(conf, name, keys.Env)
		if err != nil {
			ns.shutdown()
			return nil, err
		}
		opts.Host, opts.Port, opts.HTTPPort = "127.0.0.1", server.RANDOM_PORT, 0
		opts.StoreDir = filepath.Join(dir, name)
		opts.NoSigs, opts.NoLog = true, true
		opts.RoutesStr = ""
		if nodes == 1 {
			opts.Cluster, opts.Routes = server.ClusterOpts{}, nil
		} else {
			opts.Cluster.Host, opts.Cluster.Port, opts.Routes = "127.0.0.1", ports[i], routes
		}
		s, err := server.NewServer(opts)
		if err != nil {
			ns.shutdown()
			return nil, fmt.Errorf("nats %s: %w", name, err)
		}
		ns.servers = append(ns.servers, s)
		go s.Start()
		if !s.ReadyForConnections(30 * time.Second) {
			ns.shutdown()
			return nil, fmt.Errorf("nats %s did not start within 30 s", name)
		}
		urls = append(urls, s.ClientURL())
	}
	ns.URLs = strings.Join(urls, ",")
	if err := ns.waitLeader(ctx, time.Minute); err != nil {
		ns.shutdown()
		return nil, err
	}
	return ns, nil
}

// loadConf reads the configuration as node name, with env (the keys) set
// for the parse only.
func loadConf(conf, name string, env map[string]string) (*server.Options, error) {
	vars := map[string]string{"NATS_SERVER_NAME": name}
	for k, v := range env {
		vars[k] = v
	}
	for k, v := range vars {
		os.Setenv(k, v)
	}
	defer func() {
		for k := range vars {
			os.Unsetenv(k)
		}
	}()
	opts, err := server.ProcessConfigFile(conf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", conf, err)
	}
	return opts, nil
}

// waitLeader polls until one server leads JetStream and every one is
// current with it.
func (ns *natsServers) waitLeader(ctx context.Context, timeout time.Duration) error {
	if len(ns.servers) == 1 {
		return nil
	}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		leader, current := false, true
		for _, s := range ns.servers {
			leader = leader || s.JetStreamIsLeader()
			current = current && s.JetStreamIsCurrent()
		}
		if leader && current {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("nats: the cluster elected no JetStream leader within " + timeout.String())
}

func (ns *natsServers) shutdown() {
	for _, s := range ns.servers {
		s.Shutdown()
	}
	for _, s := range ns.servers {
		s.WaitForShutdown()
	}
	ns.servers = nil
}

// freePorts finds n free loopback ports for the routes (another process
// could take one before the server listens: the server then fails to start).
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
