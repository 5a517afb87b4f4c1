#!/usr/bin/env bash
# Sizes nginx for a chat server's connections: Debian's nginx.conf allows 768 connections per
# worker, and each WebSocket takes two (the client's and the one to the server), so a
# two-worker instance topped out near 700 clients, whatever the server allows (50,000). Sets
# worker_connections to 16384 and worker_rlimit_nofile to 65536 (each connection is a file)
# in the given nginx.conf. Idempotent. install.sh runs it on /etc/nginx/nginx.conf and gives
# nginx's service the same LimitNOFILE.
#
#   nginx-capacity.sh NGINX_CONF
set -euo pipefail

if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 NGINX_CONF (an existing nginx.conf)" >&2
  exit 2
fi
conf=$1

sed -i -E 's/^([[:space:]]*)worker_connections[[:space:]]+[0-9]+;/\1worker_connections 16384;/' \
  "$conf"
if grep -qE '^[[:space:]]*worker_rlimit_nofile[[:space:]]' "$conf"; then
  sed -i -E 's/^([[:space:]]*)worker_rlimit_nofile[[:space:]]+[0-9]+;/\1worker_rlimit_nofile 65536;/' \
    "$conf"
else
  sed -i -E '/^[[:space:]]*worker_processes[[:space:]]/a worker_rlimit_nofile 65536;' "$conf"
fi
grep -qE '^[[:space:]]*worker_connections 16384;' "$conf" \
  || { echo "$conf: no worker_connections to set" >&2; exit 1; }
grep -qE '^worker_rlimit_nofile 65536;' "$conf" \
  || { echo "$conf: could not add worker_rlimit_nofile" >&2; exit 1; }
