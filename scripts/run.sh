#!/usr/bin/env bash
# Runs facetriage's main job, the embedded default, installing whatever is
# missing first: `facetriage serve` with its data in ~/.local/share/facetriage
# (or FACETRIAGE_DATA). With arguments, serve ingests them; with none, it
# ingests the sample photos of the shared data folder when there is one.
# Stop it with Ctrl-C; running it again resumes where it stopped.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup
args=(serve)
if [ $# -gt 0 ]; then
  for p in "$@"; do args+=(--ingest "$p"); done
elif [ -d "$SHARED/testdata/go-face/images" ]; then
  args+=(--source sample --ingest "$SHARED/testdata/go-face/images")
fi
exec "$BIN" "${args[@]}"
