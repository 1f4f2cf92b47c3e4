package ingest_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/pipelinetest"
)

// Without a terminal (a log file, a pipe) progress is plain lines: no
// carriage return, no escape sequence, and a last line with the counts.
// Every entry's outcome is reported, with the reason of those that failed.
func TestPlainProgressWithoutATerminal(t *testing.T) {
	r := pipelinetest.Start(t, nil)
	dir := t.TempDir()
	pipelinetest.Write(t, filepath.Join(dir, "a.png"), facetest.Photo(facetest.Spec{Person: 1}))
	pipelinetest.Write(t, filepath.Join(dir, "b.jpg"), []byte("not a photo"))
	var out bytes.Buffer
	var outcomes []ingest.Outcome
	sum := r.Ingest(t, ingest.Options{Paths: []string{dir}, Progress: &out, Batch: "test-batch",
		Report: func(_ ingest.Summary, o *ingest.Outcome) {
			if o != nil {
				outcomes = append(outcomes, *o)
			}
		}})
	if sum.Indexed != 1 || sum.Failed != 1 || !sum.AnyFailed() {
		t.Fatalf("summary %+v", sum)
	}
	text := out.String()
	if strings.ContainsAny(text, "\r\x1b") {
		t.Errorf("progress holds carriage returns or escapes: %q", text)
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if last := lines[len(lines)-1]; last != "ingest: 2 of 2 through: 1 indexed (1 faces), 0 done before, 0 without a face, 1 failed, 0 unreadable" {
		t.Errorf("last progress line %q", last)
	}
	if len(outcomes) != 2 {
		t.Fatalf("outcomes %+v", outcomes)
	}
	for _, o := range outcomes {
		if strings.HasSuffix(o.Path, "b.jpg") && (o.Result != ingest.ResultFailed || o.Reason == "") {
			t.Errorf("the text file's outcome: %+v", o)
		}
	}
}
