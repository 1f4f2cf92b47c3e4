//go:build linux

package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// row is one measured setting.
type row struct {
	Setting   string
	FaceProcs int // face worker processes (the raw engine: 1)
	Photos    int // photos timed
	Wall      time.Duration
	FacesCPU  time.Duration // CPU of the face workers (the raw engine: its process)
	AllCPU    time.Duration // CPU of every process taking part, NATS and the Qdrant stand-in included
	Note      string
}

func (r row) rate() float64                { return float64(r.Photos) / r.Wall.Seconds() }
func (r row) perCoreFaces() float64        { return float64(r.Photos) / r.FacesCPU.Seconds() }
func (r row) perCoreAll() float64          { return float64(r.Photos) / r.AllCPU.Seconds() }
func (r row) busy(d time.Duration) float64 { return d.Seconds() / r.Wall.Seconds() }

func (r row) summary() string {
	return fmt.Sprintf("%s, %d face worker(s): %d photos in %.1f s, %.2f photos/s, %.2f photos per CPU-second of the face workers, %.2f of all; %s",
		r.Setting, r.FaceProcs, r.Photos, r.Wall.Seconds(), r.rate(), r.perCoreFaces(), r.perCoreAll(), r.Note)
}

// measurement is the whole run.
type measurement struct {
	Start              time.Time
	Photos             int
	LoadStart, LoadEnd string
	Raw, Pipeline      []row
}

// rawRate and rawPerCore are the means of the raw runs.
func (m measurement) rawRate() (rate, perCore float64) {
	for _, r := range m.Raw {
		rate += r.rate() / float64(len(m.Raw))
		perCore += r.perCoreAll() / float64(len(m.Raw))
	}
	return rate, perCore
}

// rows are the raw runs, then the pipelines.
func (m measurement) rows() []row { return append(append([]row(nil), m.Raw...), m.Pipeline...) }

// markdown is the report: conditions, the table, the notes, the estimates.
func (m measurement) markdown(c config) string {
	var b strings.Builder
	rate, perCore := m.rawRate()
	fmt.Fprintf(&b, "## Ingest throughput: pipeline processes over NATS, against the raw engine\n\n")
	fmt.Fprintf(&b, "Measured %s on %s/%s, %d CPUs (%s); load average %s at the start, %s at the end.\n",
		m.Start.UTC().Format("2006-01-02 15:04 MST"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), m.LoadStart, m.LoadEnd)
	fmt.Fprintf(&b, "%d photos: from %s (--n %d, --seed %d)", m.Photos, c.Photos, c.N, c.Seed)
	if c.Extra != "" {
		fmt.Fprintf(&b, " and every photo of %s", c.Extra)
	}
	b.WriteString(".\n\n")
	b.WriteString("| setting | face worker processes | photos | wall s | photos/s | photos/s vs raw | busy cores: face workers / all | photos/s per busy core, face workers | ratio to raw | photos/s per busy core, all processes | ratio to raw, all processes |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range m.rows() {
		fmt.Fprintf(&b, "| %s | %d | %d | %.1f | %.2f | %.2f | %.2f / %.2f | %.2f | %.2f | %.2f | %.2f |\n",
			r.Setting, r.FaceProcs, r.Photos, r.Wall.Seconds(), r.rate(), r.rate()/rate,
			r.busy(r.FacesCPU), r.busy(r.AllCPU), r.perCoreFaces(), r.perCoreFaces()/perCore, r.perCoreAll(), r.perCoreAll()/perCore)
	}
	b.WriteString("\n")
	for _, r := range m.rows() {
		fmt.Fprintf(&b, "- %s, %d face worker(s): %s.\n", r.Setting, r.FaceProcs, r.Note)
	}
	fmt.Fprintf(&b, "\nRatios are to the mean of the raw runs: %.2f photos/s, %.2f photos per CPU-second. "+
		"A busy core is a CPU-second per second of wall time, so photos/s per busy core is photos per CPU-second; "+
		"\"all processes\" adds decode, index, ingest, and this harness (NATS servers, Qdrant stand-in).\n", rate, perCore)
	b.WriteString(m.estimates(c))
	return b.String()
}

// estimates are the times for c.EstimatePhotos on c.EstimateCores cores at
// the lowest photos per CPU-second of all processes among the pipelines.
func (m measurement) estimates(c config) string {
	if len(m.Pipeline) == 0 || len(c.EstimateCores) == 0 {
		return ""
	}
	low := m.Pipeline[0]
	for _, r := range m.Pipeline[1:] {
		if r.perCoreAll() < low.perCoreAll() {
			low = r
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nEstimate for %d photos at %.2f photos per CPU-second (the lowest pipeline figure above, all processes: %s, %d face worker(s)), "+
		"if every core added keeps that rate, which this run checks only up to %d cores:",
		c.EstimatePhotos, low.perCoreAll(), low.Setting, low.FaceProcs, runtime.NumCPU())
	for i, cores := range c.EstimateCores {
		sep := ","
		if i == 0 {
			sep = ""
		}
		d := time.Duration(float64(c.EstimatePhotos) / (low.perCoreAll() * float64(cores)) * float64(time.Second))
		fmt.Fprintf(&b, "%s %d cores %s", sep, cores, hoursMinutes(d))
	}
	b.WriteString(".\n")
	return b.String()
}

// hoursMinutes is d as "2 h 05 min", or "7 min".
func hoursMinutes(d time.Duration) string {
	m := int(d.Round(time.Minute).Minutes())
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %02d min", m/60, m%60)
}

// cpuModel is the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown model"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown model"
}
