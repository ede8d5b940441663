#!/bin/sh
# Roles of the Redis image:
#   primary              redis-server, AOF on, maxmemory-policy noeviction (what BullMQ needs)
#   replica <primary>    the same, replicating <primary> (a host name)
#   sentinel <primary>   a Sentinel monitoring <primary>:6379 as SENTINEL_MASTER (sluice),
#                        quorum SENTINEL_QUORUM (2), down after SENTINEL_DOWN_AFTER_MS (5000)
# ANNOUNCE_HOST (required) is the name this node is
# known by: replicas and Sentinels report host names, not container addresses,
# so a recreated container is found again.
# Sentinel and failovers rewrite the configuration (CONFIG REWRITE), so it is
# written only on the first start and then kept in /data.
set -eu
role="${1:-primary}"
announce="${ANNOUNCE_HOST:?set ANNOUNCE_HOST, the host name other nodes reach this one by}"
conf=/data/$role.conf
case "$role" in
  primary | replica)
    if [ ! -s "$conf" ]; then
      {
        echo 'bind * -::*'
        echo 'protected-mode no'
        echo 'port 6379'
        echo 'dir /data'
        echo 'appendonly yes'
        echo 'appendfsync everysec'
        echo 'maxmemory-policy noeviction'
        echo "replica-announce-ip $announce"
        [ "$role" = replica ] && echo "replicaof ${2:?replica needs the primary host} 6379"
      } >"$conf"
    fi
    exec redis-server "$conf"
    ;;
  sentinel)
    master="${SENTINEL_MASTER:-sluice}"
    if [ ! -s "$conf" ]; then
      {
        echo 'bind * -::*'
        echo 'protected-mode no'
        echo 'port 26379'
        echo 'dir /data'
        echo 'sentinel resolve-hostnames yes'
        echo 'sentinel announce-hostnames yes'
        echo "sentinel announce-ip $announce"
        echo "sentinel monitor $master ${2:?sentinel needs the primary host} 6379 ${SENTINEL_QUORUM:-2}"
        echo "sentinel down-after-milliseconds $master ${SENTINEL_DOWN_AFTER_MS:-5000}"
        echo "sentinel failover-timeout $master ${SENTINEL_FAILOVER_TIMEOUT_MS:-60000}"
        echo "sentinel parallel-syncs $master 1"
      } >"$conf"
    fi
    exec redis-server "$conf" --sentinel
    ;;
  *) exec "$@" ;;
esac
