#!/usr/bin/env bash
# Fetch the pinned source the member-task set was mined from: rich 13.7.1, sdist from PyPI.
# Usage: benchmarks/fetch_member_source.sh [DEST]   (default DEST: bench-out/src)
# Prints the --root to use with benchmarks/data/rich-13.7.1-member.jsonl.
set -euo pipefail
DEST=${1:-bench-out/src}
VERSION=13.7.1
SHA256=9be308cb1fe2f1f57d67ce99e95af38a1e2bc71ad9813b0e247cf7ffbcc3a432
PYTHON=${PYTHON:-.venv/bin/python}
ROOT="$DEST/rich-$VERSION"
if [ ! -f "$ROOT/rich/console.py" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$PYTHON" -m pip download --quiet --no-deps --no-binary :all: "rich==$VERSION" -d "$tmp"
  echo "$SHA256  $tmp/rich-$VERSION.tar.gz" | sha256sum --check --quiet
  mkdir -p "$DEST"
  tar -xzf "$tmp/rich-$VERSION.tar.gz" -C "$DEST"
fi
echo "$ROOT"
