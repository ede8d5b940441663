#!/usr/bin/env bash
# Brings a fresh machine to the toolchain Sluice needs, idempotently:
#   - Node 24 LTS and pnpm, from the npm registry, into ./.tools (never global),
#   - redis-server (+ redis-cli), PostgreSQL server binaries and promtool, from Debian packages, when missing
#     (for `./dev test` also prometheus-alertmanager, chromium, tmux, pgbouncer, the PgBouncer and
#     node exporters, docker.io, docker-compose and debootstrap),
#   - the workspace's dependencies (pnpm install --frozen-lockfile).
# Sourced by ./dev so that PATH carries the pinned node and pnpm afterwards.
set -euo pipefail

SLUICE_ROOT="${SLUICE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
TOOLS="$SLUICE_ROOT/.tools"
NODE_VERSION="24.21.0"
PNPM_VERSION="10.34.9"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

# as_root, apt_install
# shellcheck source=scripts/apt-install.sh
source "$SLUICE_ROOT/scripts/apt-install.sh"

ensure_node() {
  local bin="$TOOLS/node/node_modules/.bin/node"
  if [ ! -x "$bin" ] || [ "$("$bin" --version)" != "v$NODE_VERSION" ]; then
    log "installing node@$NODE_VERSION into .tools/node"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" "node@$NODE_VERSION" >/dev/null
  fi
}

ensure_pnpm() {
  local bin="$TOOLS/pnpm/node_modules/.bin/pnpm"
  if [ ! -x "$bin" ] || [ "$(PATH="$TOOLS/node/node_modules/.bin:$PATH" "$bin" --version)" != "$PNPM_VERSION" ]; then
    log "installing pnpm@$PNPM_VERSION into .tools/pnpm"
    npm install --silent --no-audit --no-fund --prefix "$TOOLS/pnpm" "pnpm@$PNPM_VERSION" >/dev/null
  fi
}

find_pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/postgres" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

ensure_services() {
  command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || apt_install redis-server
  # redis-cli joins the test Redis Cluster (`--cluster create`) and asks the test
  # Sentinels for the primary; Sentinel itself is redis-server --sentinel.
  command -v redis-cli >/dev/null || [ -x /usr/bin/redis-cli ] || apt_install redis-tools
  # Debian's package starts a system-wide Redis; Sluice runs its own on its own ports.
  if command -v systemctl >/dev/null && systemctl is-active --quiet redis-server 2>/dev/null; then
    as_root systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
  # promtool checks the Prometheus config and alert rules (test/e2e/prometheus-config.test.ts);
  # the package's own Prometheus server is not wanted here.
  # Only the test suite needs it: `./dev start` does not pull Prometheus in.
  if [ "${SLUICE_TEST_TOOLS:-0}" = 1 ]; then
    command -v promtool >/dev/null || apt_install prometheus
    # A real Alertmanager receives what that Prometheus fires and delivers it to
    # a test webhook (test/e2e/alertmanager.test.ts); amtool checks alertmanager.yml.
    command -v prometheus-alertmanager >/dev/null || [ -x /usr/bin/prometheus-alertmanager ] || apt_install prometheus-alertmanager
    [ -x /usr/bin/chromium ] || apt_install chromium
    # The CLI's terminal tests run it on a pseudo-terminal (test/e2e/cli-terminal.test.ts).
    command -v tmux >/dev/null || apt_install tmux
    command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || apt_install pgbouncer
    # The exporters docker/compose.yaml runs, run for real by test/e2e/exporters.test.ts.
    [ -x /usr/bin/prometheus-pgbouncer-exporter ] || apt_install prometheus-pgbouncer-exporter
    [ -x /usr/bin/prometheus-node-exporter ] || apt_install prometheus-node-exporter
    # The deploy tests build and run the Docker image: an engine (the test
    # starts dockerd when none runs) and debootstrap for the base image.
    command -v dockerd >/dev/null || [ -x /usr/sbin/dockerd ] || apt_install docker.io
    command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] || apt_install debootstrap
    # ... and Compose for docker/compose.yaml (test/deploy/compose.test.ts):
    # Debian's docker-compose 1.29 (Compose v2 is not a bookworm package).
    command -v docker-compose >/dev/null || apt_install docker-compose
  fi
  # Nor the packages' own services: the tests start what they need on free ports.
  local unit
  for unit in prometheus prometheus-alertmanager prometheus-pgbouncer-exporter prometheus-node-exporter; do
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$unit" 2>/dev/null; then
      as_root systemctl disable --now "$unit" >/dev/null 2>&1 || true
    fi
  done
  find_pg_bin >/dev/null || apt_install postgresql
  # PostgreSQL refuses to run as root; local-services runs it as this account when we are root.
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
  fi
}

ensure_node
ensure_pnpm
ensure_services
export PATH="$TOOLS/node/node_modules/.bin:$TOOLS/pnpm/node_modules/.bin:$PATH"
export SLUICE_PG_BIN="${SLUICE_PG_BIN:-$(find_pg_bin)}"

if [ -f "$SLUICE_ROOT/pnpm-lock.yaml" ] && [ "${SLUICE_SKIP_INSTALL:-0}" != 1 ]; then
  (cd "$SLUICE_ROOT" && pnpm install --frozen-lockfile --reporter=silent)
fi
