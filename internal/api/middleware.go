package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
)

type ctxKey struct{}

// IdentityOf returns the identity the wrapper established.
func IdentityOf(r *http.Request) (auth.Identity, bool) {
	id, ok := r.Context().Value(ctxKey{}).(auth.Identity)
	return id, ok
}

// ActorOf is the request's identity as an application-service actor.
func ActorOf(r *http.Request) auth.Actor {
	id, _ := IdentityOf(r)
	return id.Actor()
}

// Handler builds the mux: every route wrapped by the permission check.
// Routes of pages answer an unauthenticated browser with a redirect to
// loginPath; JSON and images with 401.
func (d *Deps) Handler(loginPath string, routes ...[]Route) http.Handler {
	mux := http.NewServeMux()
	for _, rs := range routes {
		for _, rt := range rs {
			mux.Handle(rt.Method+" "+rt.Path, d.guard(rt, loginPath))
		}
	}
	return securityHeaders(mux)
}

// guard enforces a route's body limit, roles and CSRF, and audits
// refusals. Who the client is, and whether its role may use the route, is
// known before any of an upload is read: an anonymous client cannot make
// the server hold a photo's worth of body.
func (d *Deps) guard(rt Route, loginPath string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := limitBody(w, r, rt.maxBody()); err != nil {
			d.fail(w, err)
			return
		}
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
			if errors.Is(err, auth.ErrUnauthenticated) && r.Header.Get("Authorization") != "" {
				writeError(w, http.StatusUnauthorized, "token invalid or expired (or revoked, or its owner disabled): send Authorization: Bearer TOKEN with a valid token", "token_invalid")
				return
			}
			if errors.Is(err, auth.ErrUnauthenticated) {
				writeError(w, http.StatusUnauthorized, msgUnauthenticated, "unauthenticated")
				return
			}
			d.fail(w, err)
			return
		}
		if !slices.Contains(rt.Roles, id.Role) {
			d.deny(r, id, rt, "role")
			d.refuse(w, r, rt, "your role ("+string(id.Role)+") may not do this", "forbidden")
			return
		}
		if id.Session != nil && id.Session.MustEnrol && !rt.Enrolment {
			if rt.Kind == Page && d.EnrolPath != "" {
				http.Redirect(w, r, d.EnrolPath, http.StatusSeeOther)
				return
			}
			writeError(w, http.StatusForbidden, msgEnrol, "enrol_totp")
			return
		}
		if rt.InPerson && id.Via != auth.ViaSession {
			d.deny(r, id, rt, "token")
			d.refuse(w, r, rt, msgInPerson, "forbidden")
			return
		}
		if !rt.Stream {
			if err := parseUpload(r, rt.maxBody()); err != nil {
				d.fail(w, err)
				return
			}
		} else if id.Via == auth.ViaSession && r.Method != http.MethodGet && r.Header.Get(auth.CSRFHeader) == "" {
			// The body is a stream for the handler: the token is not looked for in it.
			d.deny(r, id, rt, "csrf")
			d.refuse(w, r, rt, "send the CSRF token in the "+auth.CSRFHeader+" header", "csrf")
			return
		}
		if err := auth.CheckCSRF(r, id); err != nil {
			d.deny(r, id, rt, "csrf")
			d.refuse(w, r, rt, msgCSRF, "csrf")
			return
		}
		rt.Handler(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}

// limitBody refuses a body declared larger than limit before reading any
// of it, and stops reading one that turns out larger.
func limitBody(w http.ResponseWriter, r *http.Request, limit int64) error {
	if r.ContentLength > limit {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, r.ContentLength, limit)
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	return nil
}

// parseUpload parses the multipart body of a route that takes uploads, in
// memory (it is within the limit): later reads of its fields (the CSRF
// check, the handler) use the parsed form, and no part of a family's photo
// is spilled into a temporary file. (Other routes' bodies are within
// DefaultMaxBody, which the standard library keeps in memory anyway.)
func parseUpload(r *http.Request, limit int64) error {
	if limit <= DefaultMaxBody || !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil
	}
	if err := r.ParseMultipartForm(limit + 1); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
		}
		return fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	return nil
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
	_, err := d.Audit.Append(r.Context(), audit.Event{Actor: id.Actor().AuditName(), Role: string(id.Role), Action: "denied",
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
