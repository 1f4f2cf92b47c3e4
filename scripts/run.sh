#!/usr/bin/env bash
# Runs facetriage's main job on the embedded default, installing whatever is
# missing first. With no arguments it embeds the sample photos of the shared
# data folder when there is one; otherwise pass photos or folders.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
setup
if [ $# -eq 0 ]; then
  if [ -d "$SHARED/testdata/go-face/images" ]; then
    set -- "$SHARED/testdata/go-face/images"
  else
    die "no photos given: scripts/run.sh PHOTO_OR_FOLDER..."
  fi
fi
exec "$BIN" embed "$@"
