#!/usr/bin/env bash
# Shared by deploy/ci/check.sh and deploy/ci/smoke.sh (sourced, not run).
# shellcheck disable=SC2034  # variables used by the scripts that source this file

: "${script_name:=deploy}"
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
deploy="$repo/deploy"
passed=0
failed=0

say() { printf '%s: %s\n' "$script_name" "$*" >&2; }
die() { say "FAIL: $*"; exit 1; }
pass() { passed=$((passed + 1)); say "ok: $*"; }
fail() { failed=$((failed + 1)); say "FAIL: $*"; }

# need TOOL...: every tool must be there; a missing one fails the run (never a silent skip).
need() {
  local tool missing=()
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    die "missing tool(s): ${missing[*]} (see docs/deploy.md, \"Checks in CI\", for the packages)"
  fi
}

# The closing line CI reads; exits non-zero if anything failed.
finish() {
  printf '%s: %d passed, %d failed\n' "$script_name" "$passed" "$failed"
  [ "$failed" -eq 0 ]
}

# free_ports N: N different TCP ports on 127.0.0.1 that are free right now, one a line (all
# bound at once, so never the same port twice).
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))
PY
}

# make_cert DIR NAME: a self-signed certificate for NAME and 127.0.0.1 (DIR/cert.pem, key.pem).
make_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=$2" -addext "subjectAltName=DNS:$2,IP:127.0.0.1" \
    -keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null
}

# render_site SRC OUT: the nginx site SRC for a test on loopback ports. Uses the variables
# P_HTTP, P_HTTPS (nginx's ports), APP_HTTP, APP_WS (the server's), CERT, KEY, WEB_ROOT,
# ACME_ROOT and DOMAIN (the name the site was rendered for). Fails if a line the test relies
# on is no longer in the template, so the template cannot drift away from what CI runs.
render_site() {
  local src=$1 out=$2 pattern
  for pattern in '^ *listen 80;' '^ *listen \[::\]:80;'; do
    grep -q "$pattern" "$src" || die "$src: no line matching '$pattern'"
  done
  if grep -q 'ssl_certificate ' "$src"; then
    for pattern in '^ *listen 443 ssl http2;' '^ *listen \[::\]:443 ssl http2;' \
        "ssl_certificate /etc/letsencrypt/live/$DOMAIN/fullchain.pem;" \
        "ssl_certificate_key /etc/letsencrypt/live/$DOMAIN/privkey.pem;" \
        'root /opt/chat/web;'; do
      grep -q "$pattern" "$src" || die "$src: no line matching '$pattern'"
    done
  fi
  # The one-node site proxies to the server on loopback; the cluster site's node addresses
  # stay as they are (nginx -t does not connect to them).
  if grep -q 'server 127\.0\.0\.1:' "$src"; then
    for pattern in 'server 127.0.0.1:8080;' 'server 127.0.0.1:8081;'; do
      grep -q "$pattern" "$src" || die "$src: no line matching '$pattern'"
    done
  fi
  grep -q 'root /var/www/acme;' "$src" || die "$src: no 'root /var/www/acme;'"
  sed -e "s|^\( *\)listen 80;|\1listen 127.0.0.1:$P_HTTP;|" \
      -e '/^ *listen \[::\]:/d' \
      -e "s|^\( *\)listen 443 ssl http2;|\1listen 127.0.0.1:$P_HTTPS ssl http2;|" \
      -e "s|/etc/letsencrypt/live/$DOMAIN/fullchain.pem|$CERT|" \
      -e "s|/etc/letsencrypt/live/$DOMAIN/privkey.pem|$KEY|" \
      -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$APP_HTTP;|" \
      -e "s|server 127.0.0.1:8081;|server 127.0.0.1:$APP_WS;|" \
      -e "s|root /opt/chat/web;|root $WEB_ROOT;|" \
      -e "s|root /var/www/acme;|root $ACME_ROOT;|" \
      "$src" > "$out"
}

# nginx_conf PREFIX SITE: a main nginx.conf in PREFIX that includes SITE inside http { } the way
# Debian's /etc/nginx/nginx.conf includes sites-enabled/*, with every path inside PREFIX.
nginx_conf() {
  local p=$1 site=$2
  mkdir -p "$p/logs" "$p/tmp"
  cat > "$p/nginx.conf" <<EOF
worker_processes 1;
pid $p/nginx.pid;
error_log $p/logs/error.log info;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log $p/logs/access.log;
    client_body_temp_path $p/tmp/body;
    proxy_temp_path $p/tmp/proxy;
    fastcgi_temp_path $p/tmp/fastcgi;
    uwsgi_temp_path $p/tmp/uwsgi;
    scgi_temp_path $p/tmp/scgi;
    include $site;
}
EOF
}

# nginx_test PREFIX: nginx -t on PREFIX/nginx.conf.
nginx_test() {
  nginx -t -q -p "$1" -e "$1/logs/error.log" -c "$1/nginx.conf"
}

# user_data_script NAME OUT: the script that the cloud-init user-data writes to a file called
# NAME (write_files), saved as OUT. Debian's python3 with python3-yaml reads the YAML.
user_data_script() {
  /usr/bin/python3 - "$deploy/cloud-init/user-data.yaml" "$1" "$2" <<'EOF'
import os, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for f in doc.get('write_files', []):
    if os.path.basename(f['path']) == sys.argv[2]:
        open(sys.argv[3], 'w').write(f['content'])
        sys.exit(0)
sys.exit('user-data writes no file called ' + sys.argv[2])
EOF
}
