#!/usr/bin/env bash
# Debian packages, as root (sudo when this account is not), `apt-get update` once:
#   source scripts/apt-install.sh; apt_install PACKAGE...   (scripts/bootstrap.sh)
#   bash scripts/apt-install.sh PACKAGE...                  (tools that need one on demand,
#                                                            e.g. the benchmarks' pgloader reference)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    printf '[apt] need root to run: %s\n' "$*" >&2; return 1; fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    printf '[apt] apt-get update\n' >&2
    as_root apt-get update -qq >/dev/null
    apt_updated=1
  fi
  printf '[apt] apt-get install %s\n' "$*" >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Run rather than sourced: install the packages named on the command line.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  [ $# -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }
  apt_install "$@"
fi
