// Package api is facetriage's HTTP API and the permission matrix that guards
// it: every route, JSON or page or image, is declared in one table with the
// roles allowed to use it (routes.go), and one wrapper enforces it —
// authentication (a session cookie or a Bearer token), the role, CSRF for
// cookie sessions, and an audit record of every refusal. Images are served
// only through routes of that table. The OpenAPI 3.1 document served at
// /api/openapi.json is generated from the same table: each API route's Doc
// names the Go types it reads and answers and the errors it can give
// (openapi.go reflects them with swaggest/openapi-go; the error answers
// come from the error table), and the tests hold the handlers to it.
package api
