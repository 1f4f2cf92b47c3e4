package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// logBuffer is a log's output, safe for the server's goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestCancelledRequestsAreNotErrors: a browser that navigates away cancels
// the requests it no longer needs (a page, the crops it was loading). That
// is normal browsing, not a server error: nothing is logged at ERROR.
func TestCancelledRequestsAreNotErrors(t *testing.T) {
	w := newWorld(t)
	cw := w.login(t, "cw")
	var logs logBuffer
	w.d.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := w.caseOf(t)
	crop := "/api/v1/cases/" + w.caseID + "/candidates/" + url.PathEscape(c.Candidates[0].Individual) + "/crop"
	for _, path := range []string{"/cases/" + w.caseID, "/cases", "/api/v1/cases/" + w.caseID, crop} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequestWithContext(ctx, "GET", w.srv.URL+path, nil)
		u, _ := url.Parse(w.srv.URL)
		for _, ck := range cw.http.Jar.Cookies(u) {
			req.AddCookie(ck)
		}
		rec := httptest.NewRecorder()
		w.srv.Config.Handler.ServeHTTP(rec, req)
		if rec.Code == http.StatusInternalServerError {
			t.Errorf("GET %s, cancelled: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("cancelled requests were logged as errors:\n%s", logs.String())
	}
}
