#!/bin/sh
# HEALTHCHECK of the Sluice image: GET /health/live of the process this
# container runs. The API serves it on HOST:PORT; a worker on
# METRICS_HOST:METRICS_PORT (set by the image: 9464). Which one runs is read
# from the container's own processes, so one image serves both.
set -eu
role=""
for cmdline in /proc/[0-9]*/cmdline; do
  case "$(tr '\0' ' ' <"$cmdline" 2>/dev/null || true)" in
    *apps/api/src/main.ts*) role=api && break ;;
    *apps/worker/src/main.ts*) role=worker && break ;;
  esac
done
case "$role" in
  api) host="${HOST:-127.0.0.1}" port="${PORT:-8080}" ;;
  worker) host="${METRICS_HOST:-127.0.0.1}" port="${METRICS_PORT:-}" ;;
  *) echo "no Sluice API or worker runs in this container" >&2; exit 1 ;;
esac
if [ -z "$port" ] || [ "$port" = 0 ]; then
  echo "the worker serves /health/live only on a fixed METRICS_PORT" >&2
  exit 1
fi
# A wildcard listen address is reached through loopback.
case "$host" in 0.0.0.0 | :: | "[::]") host=127.0.0.1 ;; esac
case "$host" in *:*) host="[$host]" ;; esac
exec node -e '
fetch(process.argv[1], { signal: AbortSignal.timeout(4000) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  (error) => { console.error(error.message); process.exit(1); },
);' "http://$host:$port/health/live"
