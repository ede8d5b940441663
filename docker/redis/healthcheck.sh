#!/bin/sh
# HEALTHCHECK of the Redis image: a server answers PING; a Sentinel knows the
# current primary's address.
set -eu
if [ -s /data/sentinel.conf ]; then
  addr="$(redis-cli -p 26379 sentinel get-master-addr-by-name "${SENTINEL_MASTER:-sluice}")"
  [ -n "$addr" ]
else
  [ "$(redis-cli -p 6379 ping)" = PONG ]
fi
