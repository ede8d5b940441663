#!/bin/sh
# Entrypoint of the Sluice image: the first argument picks the process.
#   api (default)   the HTTP API (apps/api)
#   worker          a worker (apps/worker); /metrics and /health/live on METRICS_PORT
#   migrate         apply pending database migrations, then exit
#   keys ...        manage API keys (`keys create --tenant acme --scopes ...`)
#   anything else   run as given (`sh`, `node -e ...`)
set -eu
role="${1:-api}"
[ $# -gt 0 ] && shift
# Share of the container's memory limit for the V8 heap (main thread).
heap=75
# A bounded V8 young generation keeps memory flat under large uploads; 16 MB
# rather than 4 spares the API a quarter of its CPU per small submission in
# scavenges, for ~28 MB more RSS (.env.example). Not the worker's: a
# process-wide semi-space size would override its threads' own
# (THREAD_YOUNG_GENERATION_MB) and slow normalizing. NODE_OPTIONS wins.
semi_space=16
case "$role" in
  api) set -- apps/api/src/main.ts "$@" ;;
  # A worker's chunks run in threads with heaps of their own (WORKER_THREADS x
  # THREAD_MAX_HEAP_MB), which the main thread's share must leave room for.
  worker) set -- apps/worker/src/main.ts "$@"; heap=50; semi_space="" ;;
  migrate) set -- packages/db/src/migrate-cli.ts "$@" ;;
  keys) set -- apps/api/src/admin/api-keys-cli.ts "$@" ;;
  node) ;;
  *) exec "$role" "$@" ;;
esac

if [ -n "$semi_space" ]; then
  case " ${NODE_OPTIONS:-} " in
    *" --max-semi-space-size"*) ;;
    *) export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--max-semi-space-size=$semi_space" ;;
  esac
fi

# The container's memory limit (cgroup v2, then v1); none when unlimited.
limit=""
if [ -r /sys/fs/cgroup/memory.max ]; then
  limit="$(cat /sys/fs/cgroup/memory.max)"
elif [ -r /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
  limit="$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
fi
case "$limit" in "" | max | *[!0-9]*) limit="" ;; esac
# cgroup v1 writes "no limit" as a huge number (page-rounded LONG_MAX).
[ -n "$limit" ] && [ "${#limit}" -ge 19 ] && limit=""

# With a limit, the heap is that share of it: Node reads the same cgroup
# limit and applies the percentage (left alone, it would take about half).
# Without one, Node's defaults stay. An operator's own heap size in
# NODE_OPTIONS always wins.
if [ -n "$limit" ]; then
  case " ${NODE_OPTIONS:-} " in
    *" --max-old-space-size"*) ;;
    *) export NODE_OPTIONS="--max-old-space-size-percentage=$heap${NODE_OPTIONS:+ $NODE_OPTIONS}" ;;
  esac
fi
exec node "$@"
