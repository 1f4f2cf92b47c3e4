package casework

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/facetriage/facetriage/internal/audit"
)

// auditor is what the services append to (audit.Log).
type auditor interface {
	Append(ctx context.Context, e audit.Event) (audit.Event, error)
}

// counter counts logins and searches as the services audit them: every
// login and every search has its record, so counting records counts them
// once, whichever of the API, the web UI or the standing search made them.
type counter struct {
	auditor
	logins   *prometheus.CounterVec
	searches *prometheus.CounterVec
}

// countingAuditor wraps lg; without a registry it is lg itself.
func countingAuditor(lg *audit.Log, reg *prometheus.Registry) auditor {
	if reg == nil {
		return lg
	}
	c := &counter{auditor: lg,
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "facetriage_logins_total",
			Help: "Login attempts, by outcome: ok, refused (wrong name, password or code; locked or disabled), error."}, []string{"outcome"}),
		searches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "facetriage_searches_total",
			Help: "Searches of the archive, by kind: archive (a photo outside a case), case (a case matched), standing (a case matched again after an ingest)."}, []string{"kind"}),
	}
	c.logins = registered(reg, c.logins)
	c.searches = registered(reg, c.searches)
	for _, o := range []string{"ok", "refused", "error"} {
		c.logins.WithLabelValues(o)
	}
	for _, k := range []string{"archive", "case", "standing"} {
		c.searches.WithLabelValues(k)
	}
	return c
}

// registered registers c, or returns the collector already registered
// under its name (casework opened twice on one registry).
func registered(reg *prometheus.Registry, c *prometheus.CounterVec) *prometheus.CounterVec {
	if err := reg.Register(c); err != nil {
		if are, ok := err.(prometheus.AlreadyRegisteredError); ok {
			if v, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
				return v
			}
		}
	}
	return c
}

// Append counts e once it is recorded.
func (c *counter) Append(ctx context.Context, e audit.Event) (audit.Event, error) {
	got, err := c.auditor.Append(ctx, e)
	if err != nil {
		return got, err
	}
	switch e.Action {
	case "login":
		c.logins.WithLabelValues("ok").Inc()
	case "login_failed":
		c.logins.WithLabelValues("refused").Inc()
	case "login_error":
		c.logins.WithLabelValues("error").Inc()
	case "search":
		if e.Case == "" {
			c.searches.WithLabelValues("archive").Inc()
		} else {
			c.searches.WithLabelValues("case").Inc()
		}
	case "rematch":
		c.searches.WithLabelValues("standing").Inc()
	}
	return got, nil
}
