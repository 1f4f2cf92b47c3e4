#!/usr/bin/env bash
# Runs facetriage's main job, the embedded default, installing whatever is
# missing first: `facetriage serve` with its data in ~/.local/share/facetriage
# (or FACETRIAGE_DATA). With arguments, serve ingests them; with none, it
# ingests the sample photos of the shared data folder, when there is one,
# into a demonstration data directory of their own (FACETRIAGE_DEMO_DATA,
# default ~/.local/share/facetriage-demo), never into the real archive.
# Stop it with Ctrl-C; running it again resumes where it stopped.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup
args=(serve)
if [ $# -gt 0 ]; then
  for p in "$@"; do args+=(--ingest "$p"); done
elif [ -d "$SHARED/testdata/go-face/images" ]; then
  demo="${FACETRIAGE_DEMO_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/facetriage-demo}"
  say "no photos named: a demonstration with the sample photos, its data in $demo"
  args+=(--data "$demo" --source sample --ingest "$SHARED/testdata/go-face/images")
fi
exec "$BIN" "${args[@]}"
