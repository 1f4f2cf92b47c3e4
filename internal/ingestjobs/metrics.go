package ingestjobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	descPending = prometheus.NewDesc("facetriage_queue_pending", "Photos waiting in a stage's work queue.", []string{"stage"}, nil)
	descHeld    = prometheus.NewDesc("facetriage_queue_in_progress", "Photos a stage's workers hold.", []string{"stage"}, nil)
	descRedeliv = prometheus.NewDesc("facetriage_queue_redelivered", "Photos of a stage's queue handed out more than once.", []string{"stage"}, nil)
	descFails   = prometheus.NewDesc("facetriage_failures", "Failure records of the archive, by kind (not_image, no_face, too_large, …).", []string{"kind"}, nil)
	descJobs    = prometheus.NewDesc("facetriage_ingest_jobs_active", "Ingest jobs over HTTP queued or running.", nil, nil)
)

// Collector is the service's metrics: queue depth per stage, failures by
// kind, active jobs. Read at scrape time (State reuses its answer for a
// few seconds).
func (s *Service) Collector() prometheus.Collector { return collector{s} }

type collector struct{ s *Service }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPending, descHeld, descRedeliv, descFails, descJobs} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(descJobs, prometheus.GaugeValue, float64(c.s.Running()))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	qs, kinds, err := c.s.State(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descPending, err)
		return
	}
	for _, q := range qs {
		ch <- prometheus.MustNewConstMetric(descPending, prometheus.GaugeValue, float64(q.Pending), q.Stage)
		ch <- prometheus.MustNewConstMetric(descHeld, prometheus.GaugeValue, float64(q.InProgress), q.Stage)
		ch <- prometheus.MustNewConstMetric(descRedeliv, prometheus.GaugeValue, float64(q.Redelivered), q.Stage)
	}
	for _, k := range kinds {
		ch <- prometheus.MustNewConstMetric(descFails, prometheus.GaugeValue, float64(k.Count), k.Kind)
	}
}
