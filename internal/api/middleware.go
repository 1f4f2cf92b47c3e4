package api

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
)

type ctxKey struct{}

// IdentityOf returns the identity the wrapper established.
func IdentityOf(r *http.Request) (auth.Identity, bool) {
	id, ok := r.Context().Value(ctxKey{}).(auth.Identity)
	return id, ok
}

// ActorOf is the request's identity as a casework actor.
func ActorOf(r *http.Request) cases.Actor {
	id, _ := IdentityOf(r)
	name := id.Name
	if id.Via == "token" {
		name = "token:" + id.Name
	}
	return cases.Actor{Name: name, Role: string(id.Role)}
}

// Handler builds the mux: every route wrapped by the permission check.
// Routes of pages answer an unauthenticated browser with a redirect to
// loginPath; JSON and images with 401.
func (d *Deps) Handler(loginPath string, routes ...[]Route) http.Handler {
	mux := http.NewServeMux()
	d.all = nil
	for _, rs := range routes {
		d.all = append(d.all, rs...)
	}
	for _, rs := range routes {
		for _, rt := range rs {
			mux.Handle(rt.Method+" "+rt.Path, d.guard(rt, loginPath))
		}
	}
	return securityHeaders(mux)
}

// guard enforces a route's roles and CSRF, and audits refusals.
func (d *Deps) guard(rt Route, loginPath string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.Public {
			rt.Handler(w, r)
			return
		}
		id, err := d.Auth.Identify(r)
		if err != nil {
			if rt.Kind == Page { // an expired session in the middle of a form, too
				http.Redirect(w, r, loginPath, http.StatusSeeOther)
				return
			}
			writeError(w, http.StatusUnauthorized, "log in first", "unauthenticated")
			return
		}
		if !slices.Contains(rt.Roles, id.Role) {
			d.deny(r, id, rt, "role")
			d.refuse(w, r, rt, "your role ("+string(id.Role)+") may not do this", "forbidden")
			return
		}
		if err := auth.CheckCSRF(r, id); err != nil {
			d.deny(r, id, rt, "csrf")
			d.refuse(w, r, rt, "missing or wrong CSRF token: reload the page and try again", "csrf")
			return
		}
		rt.Handler(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}

// refuse answers 403, in HTML for pages when the UI can.
func (d *Deps) refuse(w http.ResponseWriter, r *http.Request, rt Route, msg, kind string) {
	if rt.Kind == Page && d.PageError != nil {
		d.PageError(w, r, http.StatusForbidden, msg)
		return
	}
	writeError(w, http.StatusForbidden, msg, kind)
}

func (d *Deps) deny(r *http.Request, id auth.Identity, rt Route, why string) {
	_, err := d.Audit.Append(r.Context(), audit.Event{Actor: id.Name, Role: string(id.Role), Action: "denied",
		Object: rt.Method + " " + rt.Path, Detail: map[string]string{"why": why, "path": r.URL.Path}})
	if err != nil {
		d.Log.Error("cannot audit a refusal", "err", err)
	}
}

// securityHeaders keeps pages and images out of caches and frames, and
// scripts, styles and images to this origin (the UI has no external asset).
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Cache-Control", "no-store")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		h.ServeHTTP(w, r)
	})
}

var errStatus = []struct {
	err    error
	status int
	kind   string
}{
	{cases.ErrNotFound, http.StatusNotFound, "not_found"},
	{cases.ErrNoCandidate, http.StatusNotFound, "not_found"},
	{cases.ErrPickFace, http.StatusConflict, "pick_face"},
	{cases.ErrNoFace, http.StatusUnprocessableEntity, "no_face"},
	{cases.ErrInvalid, http.StatusBadRequest, "invalid"},
	{cases.ErrNotPossible, http.StatusConflict, "not_possible"},
	{cases.ErrClosed, http.StatusConflict, "closed"},
	{cases.ErrNotIdentified, http.StatusConflict, "not_identified"},
	{auth.ErrUserExists, http.StatusConflict, "exists"},
	{auth.ErrWeakPassword, http.StatusBadRequest, "weak_password"},
	{auth.ErrInvalidName, http.StatusBadRequest, "invalid"},
	{auth.ErrBadRole, http.StatusBadRequest, "invalid"},
	{auth.ErrNoUser, http.StatusNotFound, "not_found"},
	{auth.ErrNoToken, http.StatusNotFound, "not_found"},
	{auth.ErrBadCredentials, http.StatusUnauthorized, "bad_credentials"},
	{auth.ErrLocked, http.StatusTooManyRequests, "locked"},
	{ErrTooManyLogins, http.StatusTooManyRequests, "throttled"},
}

// fail answers with the status an error deserves.
func (d *Deps) fail(w http.ResponseWriter, err error) {
	for _, e := range errStatus {
		if errors.Is(err, e.err) {
			var pe *cases.PickFaceError
			if errors.As(err, &pe) {
				writeJSON(w, e.status, map[string]any{"error": err.Error(), "kind": e.kind, "faces": pe.Faces})
				return
			}
			writeError(w, e.status, err.Error(), e.kind)
			return
		}
	}
	if k := photoErrorKind(err); k != "" {
		writeError(w, http.StatusUnprocessableEntity, err.Error(), k)
		return
	}
	d.Log.Error("request failed", "err", err)
	writeError(w, http.StatusInternalServerError, "internal error", "internal")
}
