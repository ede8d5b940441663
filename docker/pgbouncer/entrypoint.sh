#!/bin/sh
# Writes pgbouncer.ini and the user list from the environment, then runs
# PgBouncer in the foreground on port 6432.
#   DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD   the PostgreSQL behind it
#   POOL_MODE (transaction), MAX_CLIENT_CONN, DEFAULT_POOL_SIZE
set -eu
: "${DB_HOST:?}" "${DB_NAME:?}" "${DB_USER:?}" "${DB_PASSWORD:?}"
dir=/run/pgbouncer
# The clear-text password in the user list lets PgBouncer answer clients'
# SCRAM and log in to PostgreSQL with SCRAM itself.
quote() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }
umask 077
printf '%s %s\n' "$(quote "$DB_USER")" "$(quote "$DB_PASSWORD")" >"$dir/userlist.txt"
cat >"$dir/pgbouncer.ini" <<INI
[databases]
$DB_NAME = host=$DB_HOST port=$DB_PORT dbname=$DB_NAME

[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
admin_users = $DB_USER
stats_users = $DB_USER
pool_mode = $POOL_MODE
max_client_conn = $MAX_CLIENT_CONN
default_pool_size = $DEFAULT_POOL_SIZE
; transaction pooling: a server connection changes hands after every
; transaction, there is no session to reset.
server_reset_query =
; PostgreSQL's address is looked up again when its container is recreated.
dns_max_ttl = 5
log_connections = 0
log_disconnections = 0
INI
exec pgbouncer "$dir/pgbouncer.ini"
