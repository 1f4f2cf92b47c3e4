package pipeline

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the runner's Prometheus collectors.
type Metrics struct {
	Messages *prometheus.CounterVec
	Seconds  *prometheus.HistogramVec
}

// NewMetrics registers the collectors with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "facetriage_stage_messages_total",
			Help: "Messages handled by each stage, by outcome (ack, retry, failed, shutdown).",
		}, []string{"stage", "outcome"}),
		Seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "facetriage_stage_seconds",
			Help:    "Time a stage spent on one message (or one batch).",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 14),
		}, []string{"stage"}),
	}
	if reg != nil {
		reg.MustRegister(m.Messages, m.Seconds)
	}
	return m
}
