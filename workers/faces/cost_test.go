package faces_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/workers/faces"
)

// TestSlowPhotosAreReported: every photo's search time is in the
// histogram by level; a slow photo, and one stopped by the budget, are
// also logged with what the search did.
func TestSlowPhotosAreReported(t *testing.T) {
	reg := prometheus.NewRegistry()
	var logs bytes.Buffer
	r := faces.NewCostReport(reg, slog.New(slog.NewTextHandler(&logs, nil)))
	r.Observe("quick", engine.Cost{Took: 150 * time.Millisecond, Level: "coarse", Views: 4})
	r.Observe("slow", engine.Cost{Took: 15 * time.Second, Level: "cnn", Views: 12, Chips: 1})
	r.Observe("stopped", engine.Cost{Took: time.Second, Level: "fine", OverBudget: true})
	if n := testutil.CollectAndCount(reg, "facetriage_face_search_seconds"); n != 3 {
		t.Errorf("%d levels in the histogram, want coarse, cnn and fine", n)
	}
	got := logs.String()
	if strings.Contains(got, "quick") || !strings.Contains(got, "sha256=slow") || !strings.Contains(got, "level=cnn") || !strings.Contains(got, "sha256=stopped") {
		t.Errorf("the log names the wrong photos:\n%s", got)
	}
	var none *faces.CostReport
	none.Observe("x", engine.Cost{}) // a stage without a report records nothing, and does not fail
}
