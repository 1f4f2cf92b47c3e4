// Package api is facetriage's HTTP API and the permission matrix that guards
// it: every route, JSON or page or image, is declared in one table with the
// roles allowed to use it (routes.go), and one wrapper enforces it —
// authentication (a session cookie or a Bearer token), the role, CSRF for
// cookie sessions, and an audit record of every refusal. Images are served
// only through routes of that table. The OpenAPI document served at
// /api/openapi.json is generated from the same table.
package api
