package api

import (
	"context"
	"fmt"
	"net/http"
	"syscall"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/imgfile"
)

// The one error table: what each error is called and answered, wherever
// it is wrapped.
func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		kind   string
	}{
		{fmt.Errorf("cases: %w: C1", cases.ErrNotFound), http.StatusNotFound, "not_found"},
		{fmt.Errorf("x: %w", cases.ErrNoReason), http.StatusBadRequest, "reason_required"},
		{fmt.Errorf("%w until 10:00", auth.ErrLocked), http.StatusUnauthorized, "bad_credentials"},
		{fmt.Errorf("decode: %w", imgfile.ErrTruncated), http.StatusUnprocessableEntity, "photo_truncated"},
		// A binary without the face engine says so, and how to get one.
		{fmt.Errorf("cases: reference: %w", engine.ErrNoFaceEngine), http.StatusNotImplemented, "no_face_engine"},
		// A full disk, however it shows, is 503 with its cause, not a bare 500.
		{fmt.Errorf("auth: user x: %w", syscall.ENOSPC), http.StatusServiceUnavailable, "storage_full"},
		{fmt.Errorf("auth: %w", &jetstream.APIError{ErrorCode: 10047, Description: "insufficient storage resources"}), http.StatusServiceUnavailable, "storage_full"},
		{fmt.Errorf("auth: %w", context.DeadlineExceeded), http.StatusServiceUnavailable, "unavailable"},
		{fmt.Errorf("something else"), http.StatusInternalServerError, "internal"},
	} {
		status, kind := Classify(tc.err)
		if status != tc.status || kind != tc.kind {
			t.Errorf("%v: %d %s, want %d %s", tc.err, status, kind, tc.status, tc.kind)
		}
	}
}
