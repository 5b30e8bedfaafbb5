#!/usr/bin/env bash
# Sourced by the install scripts: `apt_ensure PACKAGE...` installs the Debian packages that are not
# installed yet (apt-get, with sudo when not root). Needs: log and unavailable (exit 75: "cannot be
# installed here") set by the caller.

apt_ensure() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "apt-get install ${missing[*]}"
  local SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  command -v apt-get >/dev/null || unavailable "no apt-get to install ${missing[*]}"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || unavailable "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "${missing[@]}" >&2 \
    || unavailable "apt-get install ${missing[*]} failed"
}
