package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// logRecorder is a slog handler that keeps every record, so that a test can
// assert on what was logged, and passes each on to quietLog's handler.
type logRecorder struct {
	mu      *sync.Mutex
	records *[]string
	attrs   []slog.Attr
	next    slog.Handler
}

func newLogRecorder() (*slog.Logger, *logRecorder) {
	r := &logRecorder{mu: &sync.Mutex{}, records: new([]string), next: quietLog().Handler()}
	return slog.New(r), r
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (r *logRecorder) Handle(ctx context.Context, rec slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", rec.Level, rec.Message)
	for _, a := range r.attrs {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	rec.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	r.mu.Lock()
	*r.records = append(*r.records, b.String())
	r.mu.Unlock()
	if r.next.Enabled(ctx, rec.Level) {
		return r.next.Handle(ctx, rec)
	}
	return nil
}

func (r *logRecorder) WithAttrs(as []slog.Attr) slog.Handler {
	c := *r
	c.attrs = append(append([]slog.Attr{}, r.attrs...), as...)
	c.next = r.next.WithAttrs(as)
	return &c
}

func (r *logRecorder) WithGroup(name string) slog.Handler { return r }

// lines returns the records that contain every one of parts.
func (r *logRecorder) lines(parts ...string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
next:
	for _, l := range *r.records {
		for _, p := range parts {
			if !strings.Contains(l, p) {
				continue next
			}
		}
		out = append(out, l)
	}
	return out
}
