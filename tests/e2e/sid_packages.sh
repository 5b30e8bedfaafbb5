#!/usr/bin/env bash
# Sourced by the install scripts of editors taken from Debian sid without installing them:
#   sid_extract ROOT PACKAGE...
# downloads the packages and the transitive closure of their Depends (read from apt each time:
# names change in sid) with a private apt configuration under $CACHE/apt-sid, plus libc6 and
# libgcc-s1 so that the loader and libc match what sid's binaries were built against, and extracts
# them with dpkg-deb into ROOT/tree. The binaries then run as
#   ROOT/tree/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path ... ROOT/tree/usr/bin/X
# Needs: CACHE, log and unavailable (exit 75: "cannot be installed here") set by the caller.

MIRROR="${GHOSTWISE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || unavailable "needs apt-get and dpkg-deb (Debian)"
[ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] || unavailable "only amd64 is supported"

sid_extract() {
  local root="$1"; shift
  local apt="$CACHE/apt-sid"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc/preferences.d" "$root/debs"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR sid main" > "$apt/sources.list"
  : > "$apt/status"
  local opts=(
    -o "Dir::Etc::sourcelist=$apt/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::Etc::preferencesparts=$apt/etc/preferences.d"
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Dir::State::status=$apt/status"
    -o "APT::Architecture=amd64" -o "APT::Architectures::=amd64" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root"
  )
  log "apt-get update (sid, private lists in $apt)"
  apt-get "${opts[@]}" update -qq >&2 || unavailable "apt-get update from Debian sid failed"

  # The packages + the transitive closure of their Depends (alternatives: the first).
  local -A seen=()
  local queue=("$@" libc6 libgcc-s1) pkgs=() p real deps d
  while ((${#queue[@]})); do
    p="${queue[0]}"; queue=("${queue[@]:1}")
    [ -n "${seen[$p]:-}" ] && continue
    seen[$p]=1
    # resolve virtual packages to a provider
    real="$(apt-cache "${opts[@]}" show --no-all-versions "$p" 2>/dev/null | awk -F': ' '/^Package:/{print $2; exit}')"
    if [ -z "$real" ]; then
      real="$(apt-cache "${opts[@]}" showpkg "$p" 2>/dev/null | awk '/^Reverse Provides:/{getline; print $1; exit}')"
    fi
    [ -z "$real" ] && { log "skip unknown package $p"; continue; }
    seen[$real]=1
    pkgs+=("$real")
    deps="$(apt-cache "${opts[@]}" show --no-all-versions "$real" | awk '/^(Pre-)?Depends:/{sub(/^[^:]*: /,""); print}' | tr ',' '\n' \
            | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:any//' -e 's/^ *//' -e 's/ *$//' | grep -v '^$' || true)"
    for d in $deps; do
      case "$d" in
        # runtime-less essentials we do not need inside the extracted tree
        debconf|debconf-2.0|dpkg|perl-base|base-files|tzdata|libc-bin|install-info|usrmerge) continue;;
      esac
      [ -z "${seen[$d]:-}" ] && queue+=("$d")
    done
  done
  log "downloading ${#pkgs[@]} packages: ${pkgs[*]}"
  (cd "$root/debs" && rm -f ./*.deb && apt-get "${opts[@]}" download "${pkgs[@]}" >&2) \
    || unavailable "apt-get download ${pkgs[*]} failed"

  rm -rf "$root/tree"; mkdir -p "$root/tree"
  local deb
  for deb in "$root"/debs/*.deb; do dpkg-deb -x "$deb" "$root/tree"; done
}

# The extracted tree's loader (after sid_extract).
sid_loader() {
  local lib="$1/tree/usr/lib/x86_64-linux-gnu"
  if [ -e "$lib/ld-linux-x86-64.so.2" ]; then echo "$lib/ld-linux-x86-64.so.2"; else echo "$1/tree/lib64/ld-linux-x86-64.so.2"; fi
}
