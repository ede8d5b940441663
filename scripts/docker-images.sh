#!/usr/bin/env bash
# Builds the Sluice image (docker/Dockerfile) on a Docker engine that needs no
# image registry:
#   1. the base image debian:bookworm-slim, when the engine does not have it,
#      is made here: debootstrap (minbase) of Debian bookworm from this
#      machine's Debian mirror, then `docker import`. Made once; later runs
#      find it by name and tag (remove it to make it again);
#   2. the app image FROM that base, with the classic builder (no buildx
#      needed), so repeated builds reuse the engine's layer cache.
#
# usage: scripts/docker-images.sh [--tag NAME:TAG] [--ca-certs DIR]
#   --tag       name of the app image (default sluice:latest)
#   --ca-certs  folder of extra CA certificates (*.crt, PEM) the build must
#               trust to reach the npm registry over HTTPS, e.g.
#               behind a TLS-inspecting proxy. They are copied into
#               docker/certs/ (git-ignored), which the image build reads.
# Needs a running Docker engine; making the base also needs root and
# debootstrap (apt-get install debootstrap).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_IMAGE="debian:bookworm-slim"
TAG="sluice:latest"
CA_DIR=""

log() { printf '[docker-images] %s\n' "$*" >&2; }
die() { log "$*"; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --tag) TAG="${2:?--tag needs a value}"; shift 2 ;;
    --ca-certs) CA_DIR="${2:?--ca-certs needs a folder}"; shift 2 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd, or set DOCKER_HOST)"

# The Debian mirror this machine's apt uses (deb822 or one-line format), so
# the base comes from where packages already come from.
debian_mirror() {
  local uri
  uri="$(sed -n 's/^URIs:[[:space:]]*\(http[^[:space:]]*\/debian\)\/\{0,1\}$/\1/p' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)"
  [ -n "$uri" ] || uri="$(sed -n 's/^deb[[:space:]]\{1,\}\(http[^[:space:]]*\/debian\)\/\{0,1\}[[:space:]].*/\1/p' \
    /etc/apt/sources.list 2>/dev/null | head -n 1)"
  echo "${uri:-http://deb.debian.org/debian}"
}

make_base() {
  command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] ||
    die "making $BASE_IMAGE needs debootstrap (apt-get install debootstrap)"
  [ "$(id -u)" = 0 ] || die "making $BASE_IMAGE needs root (debootstrap)"
  local dir mirror
  dir="$(mktemp -d -t sluice-rootfs.XXXXXX)"
  mirror="$(debian_mirror)"
  log "making $BASE_IMAGE: debootstrap --variant=minbase bookworm from $mirror"
  if ! PATH="/usr/sbin:/sbin:$PATH" debootstrap --variant=minbase bookworm "$dir" "$mirror" \
    >"$dir.log" 2>&1; then
    tail -n 20 "$dir.log" >&2
    rm -rf "$dir" "$dir.log"
    die "debootstrap failed"
  fi
  # What an image does not need: downloaded packages and package lists
  # (apt-get update fetches fresh ones in every build that installs).
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/tmp/*
  tar -C "$dir" -c . | docker import --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$dir" "$dir.log"
  log "made $BASE_IMAGE"
}

# Extra CAs: with --ca-certs, docker/certs/ holds exactly that folder's
# certificates, so the same folder gives the same build context (and a warm
# layer cache). Without it, whatever docker/certs/ holds is used.
sync_ca_certs() {
  local dest="$ROOT/docker/certs"
  [ -n "$CA_DIR" ] || return 0
  [ -d "$CA_DIR" ] || die "--ca-certs: $CA_DIR is not a folder"
  find "$dest" -maxdepth 1 -name '*.crt' -delete
  local crt n=0
  for crt in "$CA_DIR"/*.crt; do
    [ -f "$crt" ] || continue
    cp "$crt" "$dest/"
    n=$((n + 1))
  done
  log "build trusts $n extra CA certificate(s) from $CA_DIR"
}

docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || make_base
sync_ca_certs
log "building $TAG"
DOCKER_BUILDKIT=0 docker build --file "$ROOT/docker/Dockerfile" --tag "$TAG" \
  --build-arg "BASE_IMAGE=$BASE_IMAGE" "$ROOT"
