#!/usr/bin/env bash
# Runs every test, installing whatever is missing first (Debian packages, Go
# modules, models). Extra arguments go to `go test`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup
cd "$ROOT"
say "go vet"
go vet ./...
say "go test"
exec go test -count=1 "$@" ./...
