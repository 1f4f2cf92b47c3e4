// Package web is facetriage's web UI for caseworkers, reviewers and
// administrators, in English and Arabic (right to left).
//
// Pages are rendered on the server with html/template; templates, the
// style sheet and the message catalogues are embedded, so the UI needs no
// external asset and no JavaScript, and it works under the API's strict
// Content-Security-Policy (no inline style or script).
//
// The UI shows as little as the work needs: a face crop before a photo,
// blurred until a person reveals it, one at a time; a full photo only on
// explicit request, after a content warning. Every image goes through the
// API's image routes, which audit and count what each person was shown.
//
// Its routes are part of the API's permission matrix (api.Route): the
// guard there enforces login, roles and CSRF for every page.
package web
