#!/usr/bin/env bash
# Build llama.cpp's llama-server (CPU) from the llama.cpp tree that the llama-cpp-python sdist on PyPI
# vendors, into a cache folder; print the binary's path. Cached: a second run only prints the path.
#
#   tools/build_llama_server.sh [VERSION]
#
# VERSION defaults to the llama-cpp-python installed in $PYTHON (default .venv/bin/python, else python3),
# so the server runs the same llama.cpp as the in-process runtime. Needs a C++ compiler; cmake and
# ninja come from PATH or, when missing, from PyPI. GHOSTWISE_LLAMA_SERVER_DIR overrides the folder.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
version=${1:-$("$PYTHON" -c 'from importlib.metadata import version; print(version("llama_cpp_python"))')}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ghostwise/llama-server
out=${GHOSTWISE_LLAMA_SERVER_DIR:-$cache/$version-cpu}
binary=$out/llama-server

mkdir -p "$(dirname "$out")"
exec 9>"$out.lock"
flock 9 # one build at a time; a waiting caller then finds the finished binary

if [ -x "$binary" ] && "$binary" --version >/dev/null 2>&1; then
  echo "$binary"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/llama-server-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "building llama-server from llama-cpp-python $version (several minutes on 2 cores)" >&2

"$PYTHON" -m pip download --quiet --no-binary :all: --no-deps --dest "$work" "llama-cpp-python==$version" >&2
tar -xzf "$work"/llama_cpp_python-*.tar.gz -C "$work"
src=$(echo "$work"/llama_cpp_python-*/vendor/llama.cpp)
[ -f "$src/tools/server/server.cpp" ] || {
  echo "no tools/server in $src" >&2
  exit 1
}

if ! command -v cmake >/dev/null || ! command -v ninja >/dev/null; then
  "$PYTHON" -m pip install --quiet --target "$work/tools" cmake ninja >&2
  export PATH="$work/tools/bin:$PATH" PYTHONPATH="$work/tools"
fi

flags=$(tools/llama_cflags.sh)
cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON >&2
cmake --build "$work/build" --target llama-server -j "${JOBS:-2}" >&2

rm -rf "$out.tmp"
mkdir -p "$out.tmp"
cp "$work/build/bin/llama-server" "$out.tmp/"
"$out.tmp/llama-server" --version >&2
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$binary"
