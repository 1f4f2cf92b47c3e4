package web

import (
	"errors"
	"net/http"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/internal/search"
)

// errNoPage: no route has the path.
var errNoPage = errors.New("web: no such page")

// errorKeys maps errors to a status and a message key ("err." + key).
var errorKeys = []struct {
	err    error
	status int
	key    string
}{
	{errNoPage, http.StatusNotFound, "no_page"},
	{cases.ErrNotFound, http.StatusNotFound, "not_found"},
	{cases.ErrNoCandidate, http.StatusNotFound, "no_candidate"},
	{cases.ErrNoFace, http.StatusUnprocessableEntity, "no_face"},
	{search.ErrNoFace, http.StatusUnprocessableEntity, "no_face"},
	{cases.ErrNotPossible, http.StatusConflict, "not_possible"},
	{cases.ErrClosed, http.StatusConflict, "closed"},
	{cases.ErrInvalid, http.StatusBadRequest, "invalid"},
	{auth.ErrUserExists, http.StatusConflict, "user_exists"},
	{auth.ErrWeakPassword, http.StatusBadRequest, "weak_password"},
	{auth.ErrInvalidName, http.StatusBadRequest, "invalid_name"},
	{auth.ErrBadRole, http.StatusBadRequest, "bad_role"},
	{auth.ErrBadCredentials, http.StatusUnauthorized, "bad_credentials"},
	{auth.ErrLocked, http.StatusTooManyRequests, "locked"},
	{api.ErrTooManyLogins, http.StatusTooManyRequests, "throttled"},
}

// photoKinds are the photo error kinds (pipeline.ErrorKind) with a message.
var photoKinds = []string{"empty", "not_image", "truncated", "too_large", "too_small", "corrupt", "no_face"}

// errorKey names the message and status for err; "internal" when it is
// none of the known ones.
func errorKey(err error) (int, string) {
	for _, e := range errorKeys {
		if errors.Is(err, e.err) {
			return e.status, e.key
		}
	}
	if k := pipeline.ErrorKind(err); k != "" {
		return http.StatusUnprocessableEntity, "photo_" + k
	}
	return http.StatusInternalServerError, "internal"
}
