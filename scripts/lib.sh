# Shared by scripts/run.sh and scripts/test.sh: install what is missing,
# build the binary and provision the models. Every step is idempotent.
# shellcheck shell=bash

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN="$ROOT/bin/facetriage"
# The shared data folder beside the checkout, when there is one (developer
# machines and CI). A user's machine has none and downloads the models.
SHARED=${FACETRIAGE_SHARED:-$ROOT/../shared}

# Debian packages the build and the engine need.
DEB_PACKAGES=(
  build-essential pkg-config
  libdlib-dev libdlib-data       # dlib, and the 68-point landmark model
  libopencv-dev                  # OpenCV 4.6 for gocv v0.31
  libjpeg-dev libatlas-base-dev  # go-face links -ljpeg and -lcblas (ATLAS)
  npm                            # `npm pack` for the offline ResNet
  chromium                       # browser tests of the web UI (headless)
)

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# need_packages installs the Debian packages that are missing.
need_packages() {
  local missing=() p
  for p in "$@"; do
    # npm may come from Node.js's own installer rather than Debian.
    if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 ||
    die "missing packages ${missing[*]}, and this is not a Debian/Ubuntu system with apt-get; install their equivalents by hand"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      die "missing Debian packages: ${missing[*]}
  I am not root and cannot use sudo without a password. Install them with:
    sudo apt-get install -y ${missing[*]}
  then run this command again."
    fi
  fi
  say "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
    die "apt-get update failed (no network or no Debian mirror?)"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
}

need_go() {
  command -v go >/dev/null 2>&1 ||
    die "Go is not installed: get Go 1.24 or newer from https://go.dev/dl (Debian's golang package is too old); go.mod names the toolchain it fetches"
  say "Go modules"
  (cd "$ROOT" && go mod download) || die "go mod download failed (no access to the Go module proxy?)"
}

build() {
  say "building bin/facetriage (the first cgo build of OpenCV and dlib takes a few minutes)"
  # cgo on, always: the face engine needs it, and a binary without it
  # could not find faces (see the README's build section).
  (cd "$ROOT" && CGO_ENABLED=1 go build -o "$BIN" ./cmd/facetriage) || die "go build failed"
}

# provision_models installs the dlib models, trying dlib.net first and the
# offline sources after it (see models/manifest.json).
provision_models() {
  local args=(models fetch)
  if [ -f "$SHARED/models/mmod_human_face_detector.dat" ]; then
    args+=(--mmod "$SHARED/models/mmod_human_face_detector.dat")
  fi
  say "models"
  "$BIN" "${args[@]}" >&2 || die "model provisioning failed (see above)"
}

setup() {
  need_packages "${DEB_PACKAGES[@]}"
  need_go
  build
  provision_models
}
