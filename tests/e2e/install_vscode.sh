#!/usr/bin/env bash
# Install what the VS Code end-to-end test needs: code-server 4.100.3 (= VS Code 1.100.3, from npm),
# Debian's chromium, and playwright-core (driver in tests/e2e/vscode). Idempotent; everything big is
# cached under $GHOSTWISE_E2E_CACHE (default ~/.cache/ghostwise-e2e) so a second run takes a second.
# Prints the code-server executable path as its last line.
set -euo pipefail

CACHE="${GHOSTWISE_E2E_CACHE:-$HOME/.cache/ghostwise-e2e}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CODE_SERVER_VERSION=4.100.3
RG_VERSION=1.15.11            # @vscode/ripgrep version pinned by that code-server release
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
mkdir -p "$CACHE"

log() { echo "[install_vscode] $*" >&2; }
# Exit 75 (EX_TEMPFAIL) means "a dependency cannot be installed on this machine": the tests skip.
unavailable() { log "UNAVAILABLE: $*"; exit 75; }
command -v node >/dev/null && command -v npm >/dev/null || unavailable "node and npm are needed"

# 1. Debian packages (build tools for code-server's native modules, ripgrep, chromium).
# shellcheck source=apt_packages.sh
source "$HERE/apt_packages.sh"
apt_ensure build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium

# 2. code-server from npm. @vscode/ripgrep downloads rg in its postinstall (no internet here):
#    pre-seed its download cache with Debian's rg.
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
if [ ! -f "$CS_DIR/.installed" ]; then
  RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RG_VERSION"
  if [ ! -f "$RG_CACHE/$RG_ASSET" ]; then
    log "seeding ripgrep cache $RG_CACHE"
    mkdir -p "$RG_CACHE"
    tmp="$(mktemp -d)"; cp /usr/bin/rg "$tmp/rg"
    tar -C "$tmp" -czf "$RG_CACHE/$RG_ASSET" rg; rm -rf "$tmp"
  fi
  log "npm install code-server@$CODE_SERVER_VERSION into $CS_DIR (several minutes: native modules)"
  mkdir -p "$CS_DIR"
  [ -f "$CS_DIR/package.json" ] || echo '{"name":"ghostwise-e2e-code-server","private":true}' > "$CS_DIR/package.json"
  (cd "$CS_DIR" && npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund \
      "code-server@$CODE_SERVER_VERSION" >&2) || unavailable "npm install code-server@$CODE_SERVER_VERSION failed"
  "$CS_BIN" --version >&2
  touch "$CS_DIR/.installed"
fi

# 3. playwright-core (the driver; uses /usr/bin/chromium, downloads no browser).
if [ ! -d "$HERE/vscode/node_modules/playwright-core" ]; then
  log "npm ci in $HERE/vscode"
  (cd "$HERE/vscode" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2) \
    || unavailable "npm ci (playwright-core) failed"
fi

echo "$CS_BIN"
