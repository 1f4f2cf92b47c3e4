//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/vector/qdrant/standin"
)

// setting is one pipeline measurement: a topology and a count of face
// worker processes.
type setting struct {
	Topology string // single, cluster
	Nodes    int    // NATS servers
	Faces    int    // face worker processes, one recognizer each
}

func (s setting) String() string { return fmt.Sprintf("%s, %d face workers", s.label(), s.Faces) }

// label names the setting in the table.
func (s setting) label() string {
	if s.Nodes == 1 {
		return "pipeline, 1 NATS server"
	}
	return fmt.Sprintf("pipeline, %d-node NATS cluster, 3 replicas", s.Nodes)
}

// readyMark is the log line a worker writes once its stage is about to run
// (after the face worker has loaded its models).
const readyMark = `msg="worker running"`

// runPipeline starts fresh NATS servers, a Qdrant stand-in and the worker
// processes, ingests the photos, and measures. Everything it starts is
// stopped before it returns.
func runPipeline(ctx context.Context, c config, s setting, photos string, n int, dir string) (row, error) {
	r := row{Setting: s.label(), FaceProcs: s.Faces, Photos: n}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return r, err
	}
	ns, err := startNATS(ctx, c.NATSConf, dir, s.Nodes)
	if err != nil {
		return r, err
	}
	defer ns.shutdown()
	// Not Qdrant: the in-process stand-in the tests use (exact search,
	// in memory), with an API key as Qdrant is deployed.
	qkey := bus.RandomSecret()
	qaddr, stopQdrant, err := standin.StartWith(standin.Options{APIKey: qkey})
	if err != nil {
		return r, err
	}
	defer stopQdrant()

	replicas := 1
	if s.Nodes > 1 {
		replicas = 3 // as deploy/README.md requires on a cluster
	}
	base := []string{"--nats", ns.URLs, "--log-level", c.WorkerLogLevel}
	if c.Models != "" {
		base = append(base, "--models", c.Models)
	}
	as := func(role, name string, args ...string) []string {
		data := filepath.Join(dir, "data-"+name)
		return append(append(args, base...), "--nats-nkey", ns.Seeds[role], "--data", data)
	}
	env := childEnv("FACETRIAGE_REPLICAS=" + strconv.Itoa(replicas))

	// The streams and buckets first, as the api user: the workers' users
	// may not create them (deploy/'s topology service does the same).
	st, err := startProc("status", c.Bin, as(bus.RoleAPI, "status", "status"), env, dir, nil)
	if err != nil {
		return r, err
	}
	if err := st.wait(ctx); err != nil {
		return r, err
	}

	var workers []*proc
	isFaces := map[*proc]bool{}
	defer func() {
		for _, p := range workers {
			p.stop()
		}
	}()
	ready := make(chan string, 2+s.Faces)
	startWorker := func(stage, name string, extraEnv []string, args ...string) (*proc, error) {
		args = as(stage, name, append([]string{"worker", "--stage", stage, "--http", "127.0.0.1:0"}, args...)...)
		p, err := startProc(name, c.Bin, args, slices.Concat(env, extraEnv), dir, func(_ *proc, _ bool, line string, _ time.Time) {
			if strings.Contains(line, readyMark) {
				select {
				case ready <- name:
				default: // said twice: the first counted
				}
			}
		})
		if err == nil {
			workers = append(workers, p)
		}
		return p, err
	}
	if _, err := startWorker(bus.StageDecode, "decode", nil); err != nil {
		return r, err
	}
	for i := range s.Faces {
		p, err := startWorker(bus.StageFaces, fmt.Sprintf("faces-%d", i+1), nil, "--workers", "1")
		if err != nil {
			return r, err
		}
		isFaces[p] = true
	}
	_, err = startWorker(bus.StageIndex, "index", []string{"FACETRIAGE_QDRANT_API_KEY=" + qkey}, "--qdrant", qaddr)
	if err != nil {
		return r, err
	}
	if err := waitReady(ctx, ns, workers, ready, s.Faces, replicas, time.Duration(c.ReadyTimeoutSec)*time.Second); err != nil {
		return r, err
	}

	before, err := cpuOf(workers)
	if err != nil {
		return r, err
	}
	self := selfCPU()
	start := time.Now()
	var stdout strings.Builder
	in, err := startProc("ingest", c.Bin, as(bus.RoleAPI, "ingest", "ingest", "--no-progress", "--source", "bench", photos), env, dir,
		func(_ *proc, isStdout bool, line string, _ time.Time) {
			if isStdout {
				stdout.WriteString(line + "\n") // the summary, written once the readers are done
			}
		})
	if err != nil {
		return r, err
	}
	watched, stopWatch := whileRunning(ctx, workers)
	defer stopWatch()
	err = in.wait(watched)
	r.Wall = time.Since(start)
	if err != nil {
		return r, err
	}
	after, err := cpuOf(workers)
	if err != nil {
		return r, err
	}
	r.AllCPU = selfCPU() - self
	for i, p := range workers {
		d := after[i] - before[i]
		r.AllCPU += d
		if isFaces[p] {
			r.FacesCPU += d
		}
	}
	inCPU, _ := in.cpu()
	r.AllCPU += inCPU
	r.Note, err = checkSummary(stdout.String(), n)
	return r, err
}

func cpuOf(ps []*proc) ([]time.Duration, error) {
	out := make([]time.Duration, len(ps))
	for i, p := range ps {
		d, err := p.cpu()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
		out[i] = d
	}
	return out, nil
}

// summaryLine is ingest's summary (ingest.Summary.String).
var summaryLine = regexp.MustCompile(`(\d+) photos found: (\d+) indexed now \((\d+) faces\), (\d+) done before, (\d+) without a face, (\d+) failed, (\d+) unreadable`)

// checkSummary checks that ingest saw n photos and each was indexed or had
// no face; the note says how many faces and photos without one.
func checkSummary(out string, n int) (string, error) {
	m := summaryLine.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("ingest printed no summary: %q", out)
	}
	v := make([]int, len(m))
	for i := 1; i < len(m); i++ {
		v[i], _ = strconv.Atoi(m[i])
	}
	seen, indexed, faces, noFace := v[1], v[2], v[3], v[5]
	if seen != n || indexed+noFace != n {
		return "", fmt.Errorf("ingest did not index every photo: %s", m[0])
	}
	return fmt.Sprintf("%d faces, %d photos without a face", faces, noFace), nil
}
