package faces

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/engine"
)

// SlowPhoto is the search time above which a photo is logged on its own:
// the median photo takes about 0.1 s of CPU, the slowest measured (one
// that went to the CNN) about 15 s.
const SlowPhoto = 5 * time.Second

// CostReport makes what each photo's face search cost visible: a
// histogram of the search time by how far it had to go (engine.Cost's
// Level), and a log line for each photo slower than SlowPhoto or stopped
// by the engine's per-photo budget.
type CostReport struct {
	seconds *prometheus.HistogramVec
	log     *slog.Logger
}

// NewCostReport registers its collector with reg (nil: none).
func NewCostReport(reg prometheus.Registerer, log *slog.Logger) *CostReport {
	r := &CostReport{log: log, seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "facetriage_face_search_seconds",
		Help:    "Time the face search took for one photo, by how far it had to go (coarse, fine, zoom, cnn, sweep).",
		Buckets: prometheus.ExponentialBuckets(0.02, 2, 12),
	}, []string{"level"})}
	if reg != nil {
		reg.MustRegister(r.seconds)
	}
	return r
}

// Observe records one photo's cost.
func (r *CostReport) Observe(sha string, c engine.Cost) {
	if r == nil {
		return
	}
	level := c.Level
	if level == "" {
		level = "unknown"
	}
	r.seconds.WithLabelValues(level).Observe(c.Took.Seconds())
	if r.log != nil && (c.Took >= SlowPhoto || c.OverBudget) {
		r.log.Warn("a slow photo", "sha256", sha, "took", c.Took.Round(time.Millisecond), "level", level,
			"views", c.Views, "chips", c.Chips, "megapixels", float64(c.Pixels)/1e6, "over_budget", c.OverBudget)
	}
}

// searchRecord is the cost as the photo's record keeps it.
func searchRecord(c engine.Cost) *archive.FaceSearch {
	return &archive.FaceSearch{Seconds: c.Took.Seconds(), Level: c.Level, OverBudget: c.OverBudget, Views: c.Views, Chips: c.Chips}
}
