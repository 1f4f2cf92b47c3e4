#!/usr/bin/env bash
# Runs every test, installing whatever is missing first (Debian packages, Go
# modules, models). Extra arguments go to `go test`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup
cd "$ROOT"
say "go vet"
go vet ./...
# The binary without the face engine (no cgo: decode, index, the API and
# casework) must keep building: every package but the cgo-only ones
# (imaging, dlibface, and the engine's cgo files) builds and vets without cgo.
say "build and vet without cgo"
CGO_ENABLED=0 go build -o /dev/null ./cmd/facetriage
CGO_ENABLED=0 go vet ./...
CGO_ENABLED=0 go test -count=1 -run WithoutFaceEngine ./internal/cli/
say "go test"
go test -count=1 -timeout 25m "$@" ./...
# The Qdrant suite runs against a real Qdrant when QDRANT_ADDR is set, and
# against an in-process stand-in otherwise; say which.
say "vector store suite, Qdrant backend"
out=$(go test -count=1 -v -run 'TestSuite$' ./internal/vector/qdrant/) || { printf '%s\n' "$out"; exit 1; }
grep -m1 'vector store suite' <<<"$out"
