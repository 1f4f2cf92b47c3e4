package app

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// registered registers c with reg and returns it, or the collector already
// registered under the same description: a runtime's metrics are made once,
// whichever of its functions asks first. A nil reg registers nothing.
func registered[C prometheus.Collector](reg *prometheus.Registry, c C) C {
	if reg == nil {
		return c
	}
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err) // two metrics of one name with different shapes: a programming error
	}
	return c
}
