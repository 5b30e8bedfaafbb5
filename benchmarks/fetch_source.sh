#!/usr/bin/env bash
# Fetch one pinned sdist listed in benchmarks/sources.txt from PyPI, check its sha256 and unpack it.
# Usage: benchmarks/fetch_source.sh NAME [DEST]   (default DEST: bench-out/src)
# Prints the folder to use as --root (NAME-VERSION under DEST).
set -euo pipefail
NAME=${1:?usage: fetch_source.sh NAME [DEST]}
DEST=${2:-bench-out/src}
PYTHON=${PYTHON:-.venv/bin/python}
read -r VERSION SHA256 < <(awk -v n="$NAME" '$1 == n { print $2, $3 }' "$(dirname "$0")/sources.txt")
[ -n "${VERSION:-}" ] || { echo "fetch_source.sh: $NAME is not in benchmarks/sources.txt" >&2; exit 2; }
ROOT="$DEST/$NAME-$VERSION"
if [ ! -f "$ROOT/.fetched" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$PYTHON" -m pip download --quiet --no-deps --no-binary :all: "$NAME==$VERSION" -d "$tmp" 2>/dev/null
  archive=$(ls "$tmp"/*.tar.gz)
  echo "$SHA256  $archive" | sha256sum --check --quiet
  mkdir -p "$DEST"
  top=$("$PYTHON" -c "import sys, tarfile; print(tarfile.open(sys.argv[1]).getnames()[0].split('/')[0])" "$archive")
  tar -xzf "$archive" -C "$DEST"
  [ "$DEST/$top" = "$ROOT" ] || { rm -rf "$ROOT"; mv "$DEST/$top" "$ROOT"; }
  touch "$ROOT/.fetched"
fi
echo "$ROOT"
