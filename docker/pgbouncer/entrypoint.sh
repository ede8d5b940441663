#!/bin/sh
# Runs PgBouncer in the foreground on port 6432 with the production
# configuration shipped beside this script (docker/pgbouncer/pgbouncer.ini,
# baked in at /etc/sluice-pgbouncer/pgbouncer.ini). Only what differs in a
# container is rewritten, into /run/pgbouncer/pgbouncer.ini:
#   DB_HOST, DB_PORT, DB_NAME   the [databases] entry (the PostgreSQL behind it)
#   DB_USER, DB_PASSWORD        the user list (also admin and stats user)
#   STATS_USER, STATS_PASSWORD  optional: a stats-only user (the exporter's)
#   POOL_MODE, MAX_CLIENT_CONN, DEFAULT_POOL_SIZE   optional: override the file
set -eu
: "${DB_HOST:?}" "${DB_NAME:?}" "${DB_USER:?}" "${DB_PASSWORD:?}"
shipped=/etc/sluice-pgbouncer/pgbouncer.ini
dir=/run/pgbouncer
ini="$dir/pgbouncer.ini"

# The clear-text password in the user list lets PgBouncer answer clients'
# SCRAM and log in to PostgreSQL with SCRAM itself.
quote() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }
umask 077
{
  printf '%s %s\n' "$(quote "$DB_USER")" "$(quote "$DB_PASSWORD")"
  if [ -n "${STATS_USER:-}" ]; then
    printf '%s %s\n' "$(quote "$STATS_USER")" "$(quote "${STATS_PASSWORD:?STATS_USER needs STATS_PASSWORD}")"
  fi
} >"$dir/userlist.txt"

# set KEY VALUE: replaces the line `KEY = ...` of the [pgbouncer] section
# (every key set here is in the shipped file; a missing one is an error).
set_key() {
  awk -v key="$1" -v value="$2" '
    /^\[/ { section = $0 }
    section == "[pgbouncer]" && $1 == key && $2 == "=" { print key " = " value; done = 1; next }
    { print }
    END { if (!done) { print "pgbouncer.ini: no " key " to set" > "/dev/stderr"; exit 1 } }
  ' "$ini" >"$ini.new" && mv "$ini.new" "$ini"
}

# The [databases] section's one entry becomes ours.
awk -v entry="$DB_NAME = host=$DB_HOST port=${DB_PORT:-5432} dbname=$DB_NAME" '
  /^\[/ { section = $0 }
  section == "[databases]" && /^[^;[[:space:]]/ { if (!done) print entry; done = 1; next }
  { print }
' "$shipped" >"$ini"
set_key auth_file "$dir/userlist.txt"
set_key admin_users "$DB_USER"
set_key stats_users "$DB_USER${STATS_USER:+,$STATS_USER}"
# Container addresses change when PostgreSQL's container is recreated.
set_key dns_max_ttl 5
[ -z "${POOL_MODE:-}" ] || set_key pool_mode "$POOL_MODE"
[ -z "${MAX_CLIENT_CONN:-}" ] || set_key max_client_conn "$MAX_CLIENT_CONN"
[ -z "${DEFAULT_POOL_SIZE:-}" ] || set_key default_pool_size "$DEFAULT_POOL_SIZE"
exec pgbouncer "$ini"
