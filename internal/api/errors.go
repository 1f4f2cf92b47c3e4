package api

import (
	"context"
	"errors"
	"net/http"
	"syscall"

	"github.com/nats-io/nats.go"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/ingestjobs"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

// Errors of the HTTP layer itself.
var (
	// ErrTooManyLogins: too many login attempts from one address.
	ErrTooManyLogins = errors.New("too many login attempts from this address: wait a minute")
	// ErrTooLarge: a request body over its route's limit.
	ErrTooLarge = errors.New("the request is too large")
	// ErrMediaType: a request body of a type the route does not take.
	ErrMediaType = errors.New("unsupported content type")
	// ErrBadRequest: a request that cannot be read (malformed JSON, form).
	ErrBadRequest = errors.New("malformed request")
)

// StatusClientClosed is the status of a request its client gave up
// (nginx's 499): a browser that navigates away cancels the page and the
// images it was loading. No client reads it, and it is not a server
// error: it is not logged as one.
const StatusClientClosed = 499

// errorTable is the one table from errors to what a client is told: the
// HTTP status and a kind, which is the API's "kind" field and the web UI's
// message key ("err." + kind). The first match wins.
var errorTable = []struct {
	err    error
	status int
	kind   string
}{
	{context.Canceled, StatusClientClosed, "canceled"},
	{cases.ErrNotFound, http.StatusNotFound, "not_found"},
	{cases.ErrNoCandidate, http.StatusNotFound, "no_candidate"},
	{cases.ErrPickFace, http.StatusConflict, "pick_face"},
	{cases.ErrNoFace, http.StatusUnprocessableEntity, "no_face"},
	{search.ErrNoFace, http.StatusUnprocessableEntity, "no_face"},
	{search.ErrNoSuchFace, http.StatusUnprocessableEntity, "no_such_face"},
	{engine.ErrNoFaceEngine, http.StatusNotImplemented, "no_face_engine"},
	{cases.ErrNotPossible, http.StatusConflict, "not_possible"},
	{cases.ErrClosed, http.StatusConflict, "closed"},
	{cases.ErrNotIdentified, http.StatusConflict, "not_identified"},
	{cases.ErrConflict, http.StatusConflict, "conflict"},
	{cases.ErrFourEyes, http.StatusConflict, "four_eyes"},
	{cases.ErrForbidden, http.StatusForbidden, "forbidden"},
	{cases.ErrNoAccount, http.StatusUnprocessableEntity, "no_account"},
	{cases.ErrNoVerdict, http.StatusBadRequest, "verdict_required"},
	{cases.ErrNoReason, http.StatusBadRequest, "reason_required"},
	{cases.ErrInvalid, http.StatusBadRequest, "invalid"},
	{vector.ErrBadQuery, http.StatusBadRequest, "invalid"},
	{ingestjobs.ErrNotFound, http.StatusNotFound, "not_found"},
	{ingestjobs.ErrDisabled, http.StatusServiceUnavailable, "ingest_disabled"},
	{ingestjobs.ErrTooLarge, http.StatusRequestEntityTooLarge, "too_large"},
	{ingestjobs.ErrStorageFull, http.StatusServiceUnavailable, "storage_full"},
	{ingestjobs.ErrFormat, http.StatusUnsupportedMediaType, "media_type"},
	{ingestjobs.ErrBomb, http.StatusUnprocessableEntity, "bomb"},
	{ingestjobs.ErrEmpty, http.StatusBadRequest, "empty"},
	{ingestjobs.ErrInterrupted, http.StatusBadRequest, "interrupted"},
	{ingestjobs.ErrInvalid, http.StatusBadRequest, "invalid"},
	{auth.ErrUserExists, http.StatusConflict, "user_exists"},
	{auth.ErrWeakPassword, http.StatusBadRequest, "weak_password"},
	{auth.ErrInvalidName, http.StatusBadRequest, "invalid_name"},
	{auth.ErrBadRole, http.StatusBadRequest, "bad_role"},
	{auth.ErrInvalidToken, http.StatusBadRequest, "invalid_token"},
	{auth.ErrNoUser, http.StatusNotFound, "no_user"},
	{auth.ErrNoToken, http.StatusNotFound, "no_token"},
	// A locked account answers as a wrong password does (accounts.Login
	// already says so); this row is a second guard.
	{auth.ErrLocked, http.StatusUnauthorized, "bad_credentials"},
	{auth.ErrBadCredentials, http.StatusUnauthorized, "bad_credentials"},
	{auth.ErrForbidden, http.StatusForbidden, "forbidden"},
	{auth.ErrBadCode, http.StatusBadRequest, "bad_code"},
	{auth.ErrNoEnrolment, http.StatusConflict, "no_enrolment"},
	{auth.ErrTOTPOn, http.StatusConflict, "totp_on"},
	{ErrTooManyLogins, http.StatusTooManyRequests, "throttled"},
	{ErrTooLarge, http.StatusRequestEntityTooLarge, "too_large"},
	{ErrMediaType, http.StatusUnsupportedMediaType, "media_type"},
	{ErrBadRequest, http.StatusBadRequest, "invalid"},
}

// Classify says what a client is told about err: the status and the kind.
// A photo the engine refuses is 422 with the kind "photo_" + its error
// kind; anything unknown is 500 "internal".
func Classify(err error) (status int, kind string) {
	for _, e := range errorTable {
		if errors.Is(err, e.err) {
			return e.status, e.kind
		}
	}
	if k := pipeline.ErrorKind(err); k != "" {
		return http.StatusUnprocessableEntity, "photo_" + k
	}
	if bus.IsOutOfSpace(err) {
		return http.StatusServiceUnavailable, "storage_full"
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) || errors.Is(err, nats.ErrConnectionClosed) {
		return http.StatusServiceUnavailable, "unavailable"
	}
	return http.StatusInternalServerError, "internal"
}

// ErrorKinds lists every kind Classify can give but the photo kinds, for
// the web UI's message catalogue test.
func ErrorKinds() []string {
	out := []string{"internal", "storage_full", "unavailable"}
	for _, e := range errorTable {
		out = append(out, e.kind)
	}
	return out
}

// messages are what a client is told for kinds whose error text would say
// too much.
var messages = map[string]string{
	"bad_credentials": "invalid user name or password (or the account is locked for a while after too many attempts)",
	"internal":        "internal error",
	"storage_full":    "the data store is full: an administrator must free space; nothing was changed",
	"unavailable":     "the data store does not answer: try again in a minute",
}

// describe says what a client is told about err: the status, the kind and
// the message.
func describe(err error) (status int, kind, msg string) {
	status, kind = Classify(err)
	msg, ok := messages[kind]
	if !ok {
		msg = err.Error()
	}
	return status, kind, msg
}

// storeErrors stand for what any route that reaches the store can meet:
// a full disk (503 storage_full), a store that does not answer (503
// unavailable), and a bug (500 internal). The OpenAPI document lists them.
var storeErrors = []error{syscall.ENOSPC, context.DeadlineExceeded, errors.New("a bug")}

// The guard's own answers.
const (
	msgUnauthenticated = "log in first, or send a valid API token"
	msgCSRF            = "missing or wrong CSRF token: reload the page and try again"
	msgEnrol           = "set up a second factor first (your role must use one)"
	msgInPerson        = "accounts and tokens are managed by a person logged in, not with a token"
)

// apiError is the body of every error answer.
type apiError struct {
	Error string `json:"error" required:"true" description:"What happened, in words."`
	Kind  string `json:"kind" required:"true" description:"What happened, for a program: the web UI's message key is err.<kind>."`
	// Faces are the faces of a reference photo to choose from (pick_face).
	Faces []cases.FaceChoice `json:"faces,omitempty" description:"With pick_face: the faces of the photo, to choose one by its index."`
}

// fail answers with the status and kind an error deserves; a 500 is
// logged, and tells the client nothing more.
func (d *Deps) fail(w http.ResponseWriter, err error) {
	status, kind, msg := describe(err)
	if status >= http.StatusInternalServerError {
		d.Log.Error("request failed", "kind", kind, "err", err)
	}
	e := apiError{Error: msg, Kind: kind}
	var pe *cases.PickFaceError
	if errors.As(err, &pe) {
		e.Faces = pe.Faces
	}
	writeJSON(w, status, e)
}
