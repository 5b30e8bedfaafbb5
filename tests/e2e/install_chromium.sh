#!/usr/bin/env bash
# Debian's chromium, for the screenshot checks of the stats page (apt-get install when missing).
# Idempotent; prints the chromium executable as its last line; exit 75 when it cannot be installed here.
set -euo pipefail

log() { echo "[install_chromium] $*" >&2; }
unavailable() { log "UNAVAILABLE: $*"; exit 75; }

# shellcheck source=apt_packages.sh
source "$(dirname "${BASH_SOURCE[0]}")/apt_packages.sh"
apt_ensure chromium
command -v chromium || unavailable "chromium installed but not on PATH"
