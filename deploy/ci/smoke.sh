#!/usr/bin/env bash
# Offline smoke test of the deployment, on loopback only, with no root paths and no systemd:
#  1. builds the release archive from the jars already built (deploy/release.sh --no-build),
#     checks its SHA256SUMS and contents and installs it with deploy/install.sh --prefix into
#     a temp root, for the domain chat.smoke.test;
#     the user-data's first-boot script (chat-bootstrap) downloads the archive from nginx over
#     https, checks its SHA-256 and installs it the same way (and refuses a wrong SHA-256),
#     and fetches it from S3 through an `aws` stand-in (bucket and key from deploy.env, then
#     from its arguments);
#  2. starts the server the way the systemd unit does: the unit's ExecStart command line (the
#     same java flags) with the installed /etc/chat/chat.env loaded as the environment, only
#     the ports (free loopback ports) and the data directory (temp) changed;
#  3. runs nginx (Debian's package) with the installed site, rendered for loopback ports and a
#     self-signed certificate, as its own process in a temp prefix;
#  4. through nginx: the static page, /config.json, /healthz, the HTTP->HTTPS redirect, the
#     ACME challenge directory, security headers, the WebSocket Origin check, 50 WebSockets
#     open at once from one address; then two users
#     register with the Java SDK's command-line client over wss://, one sends a direct
#     message, both read it back from history; the client refuses the certificate without the
#     trust store;
#  5. stops the server with SIGTERM and expects exit code 0 (and nginx then answers 502);
#     last, two page loads at once from one address all pass, and a burst of requests far
#     beyond them gets 429s from limit_req.
# Loopback only, on ports the kernel picks; nginx and the server are stopped by the EXIT trap.
#
# Needs: the server and CLI jars (mvn package), nginx, java, openssl, curl, python3, keytool.
# Environment: CHAT_BUILD_DIR, the Maven output folder (default target).
set -euo pipefail
script_name=smoke
# shellcheck source=deploy/ci/lib.sh
. "$(dirname "$0")/lib.sh"

need nginx java keytool openssl curl python3 sha256sum tar gzip cmp awk
/usr/bin/python3 -c 'import yaml' 2>/dev/null \
  || die "/usr/bin/python3 cannot import yaml (apt-get install python3-yaml)"
build_dir=${CHAT_BUILD_DIR:-target}
server_jar="$repo/chat-server-app/$build_dir/chat-server.jar"
cli_jar="$repo/chat-client-java/$build_dir/chat-client.jar"
[ -f "$server_jar" ] || die "$server_jar not found: build first (mvn -B package -DskipTests)"
[ -f "$cli_jar" ] || die "$cli_jar not found: build first (mvn -B package -DskipTests)"

tmp=$(mktemp -d)
chmod 0755 "$tmp" # nginx's worker processes (user nobody when run as root) read files here
server_pid=''
nginx_pid=''
cleanup() {
  local code=$?
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  if [ "$code" -ne 0 ]; then
    for log in "$tmp/server.log" "$tmp/nginx/logs/error.log"; do
      if [ -f "$log" ]; then say "--- $log (last lines)"; tail -n 40 "$log" >&2; fi
    done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

DOMAIN=chat.smoke.test

# --- 1. the release, installed into a temp root ---------------------------------------------
CHAT_BUILD_DIR=$build_dir "$deploy/release.sh" --no-build --out "$tmp/dist" >/dev/null
archive=$(echo "$tmp"/dist/chat-release-*.tar.gz)
(cd "$tmp/dist" && sha256sum --check --strict --quiet "$(basename "$archive").sha256") \
  || die "the archive does not match its .sha256"
mkdir -p "$tmp/release"
tar -xzf "$archive" -C "$tmp/release" --strip-components=1 --no-same-owner
if (cd "$tmp/release" && sha256sum --check --strict --quiet SHA256SUMS); then
  pass "release archive $(basename "$archive") matches its SHA256SUMS"
else
  fail "release archive: files do not match SHA256SUMS"
fi
absent=''
for f in chat-server.jar web/index.html deploy/install.sh deploy/backup-before-update.sh \
    deploy/systemd/chat-server.service \
    deploy/systemd/chat.env deploy/nginx/chat.conf deploy/nginx/chat-acme.conf \
    deploy/cloud-init/user-data.yaml deploy/cloudformation/chat.yaml docs/deploy.md VERSION; do
  [ -f "$tmp/release/$f" ] || absent="$absent $f"
done
extra=$(cd "$tmp/release" && find web \( -name test -o -name tests -o -name node_modules \
  -o -name '*.test.*' -o -name 'package*.json' \) -print)
if [ -z "$absent" ] && [ -z "$extra" ] && cmp -s "$tmp/release/chat-server.jar" "$server_jar"; then
  pass "release archive holds the jar, web/ (without tests), deploy files, docs and VERSION"
else
  fail "release archive: missing:${absent:- none}; should not hold: ${extra:-nothing};" \
    "or its chat-server.jar is not the built one"
fi
root="$tmp/root"
"$tmp/release/deploy/install.sh" --prefix "$root" --domain "$DOMAIN" 2>/dev/null
for f in opt/chat/chat-server.jar opt/chat/web/index.html etc/chat/chat.env \
    etc/systemd/system/chat-server.service etc/nginx/sites-available/chat.conf; do
  [ -f "$root/$f" ] || die "install.sh did not install /$f"
done
if ! grep -q 'chat\.example\.org' "$root/etc/chat/chat.env" "$root/etc/nginx/sites-available/chat.conf" \
    && grep -q "CHAT_PUBLIC_WS_URL=wss://$DOMAIN/ws" "$root/etc/chat/chat.env"; then
  pass "install.sh put the domain into chat.env and the nginx site"
else
  fail "install.sh left chat.example.org in chat.env or the nginx site"
fi

# An update keeps chat.env, and the site follows its ports and largest upload.
root2="$tmp/root2"
"$tmp/release/deploy/install.sh" --prefix "$root2" --domain "$DOMAIN" 2>/dev/null
sed -i -e 's/^CHAT_HTTP_PORT=.*/CHAT_HTTP_PORT=9090/' -e 's/^CHAT_PORT=.*/CHAT_PORT=9091/' \
  "$root2/etc/chat/chat.env"
printf 'CHAT_MAX_UPLOAD_BYTES=52428801\n' >> "$root2/etc/chat/chat.env"
"$tmp/release/deploy/install.sh" --prefix "$root2" --domain "$DOMAIN" 2>/dev/null
site2="$root2/etc/nginx/sites-available/chat.conf"
if grep -q 'server 127.0.0.1:9090;' "$site2" && grep -q 'server 127.0.0.1:9091;' "$site2" \
    && grep -q 'client_max_body_size 51m;' "$site2" && ! grep -q ':808[01];' "$site2"; then
  pass "an update renders the nginx site with chat.env's ports and largest upload"
else
  fail "after an update the nginx site does not follow chat.env's ports and upload size"
fi

# --- 2. the server, as the unit runs it -----------------------------------------------------
unit="$root/etc/systemd/system/chat-server.service"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit" | sed "s|/opt/chat/|$root/opt/chat/|g")
[ -n "$exec_start" ] || die "no ExecStart= in the unit"
read -r -a command <<<"$exec_start"
say "server command: ${command[*]}"
# The unit's Environment= defaults, then the env file (systemd gives the file precedence),
# then the test's changes: free ports, a temp data dir, a ports file to learn the ports from.
env_file="$tmp/chat.env"
{
  sed -n 's/^Environment=//p' "$unit" | tr ' ' '\n' | sed "s|%S|$tmp/state|"
  cat "$root/etc/chat/chat.env"
  printf '%s\n' CHAT_HTTP_PORT=0 CHAT_PORT=0 "CHAT_DATA_DIR=$tmp/state/chat" \
    "CHAT_PORTS_FILE=$tmp/ports.json"
} > "$env_file"
mkdir -p "$tmp/state/chat"
(
  cd "$tmp"
  set -a
  # shellcheck source=/dev/null
  . "$env_file"
  set +a
  exec "${command[@]}"
) > "$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do
  if [ -s "$tmp/ports.json" ] || ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
[ -s "$tmp/ports.json" ] || die "the server did not start (see its log below)"
APP_HTTP=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$tmp/ports.json")
APP_WS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ws"])' "$tmp/ports.json")
pass "server started from the unit's command line (http $APP_HTTP, ws $APP_WS)"

# --- 2b. the copy of the store an update takes first ------------------------------------------
backup_env="$tmp/backup.env"
printf '%s\n' CHAT_STORE=sqlite "CHAT_DATA_DIR=$tmp/state/chat" > "$backup_env"
for label in r1 r2 r3 r4; do
  "$tmp/release/deploy/backup-before-update.sh" "$root/opt/chat/chat-server.jar" "$backup_env" \
    "$tmp/backups" "$label" > "$tmp/backup.log" 2>&1 || die "backup-before-update.sh failed:" \
    "$(cat "$tmp/backup.log")"
done
shopt -s nullglob
copies=("$tmp/backups"/before-*)
shopt -u nullglob
if [ "${#copies[@]}" -eq 3 ] && [ -f "${copies[2]}/chat.db" ] && [[ "${copies[2]}" == *-r4 ]] \
    && [ "$(stat -c %a "$tmp/backups")" = 700 ]; then
  pass "an update first copies the running server's SQLite store (the newest three kept, 0700)"
else
  fail "backup-before-update.sh left ${#copies[@]} copies (${copies[*]}), or no chat.db, or" \
    "its directory is not 0700"
fi
printf '%s\n' CHAT_STORE=postgres > "$backup_env"
if "$tmp/release/deploy/backup-before-update.sh" "$root/opt/chat/chat-server.jar" "$backup_env" \
    "$tmp/backups-pg" pg > /dev/null && [ ! -e "$tmp/backups-pg" ]; then
  pass "an update with a PostgreSQL store copies nothing"
else
  fail "backup-before-update.sh copied something for a PostgreSQL store"
fi

# --- 2c. nginx sized for the connections (install.sh does this to /etc/nginx/nginx.conf) ---
if [ -f /etc/nginx/nginx.conf ]; then
  cp /etc/nginx/nginx.conf "$tmp/nginx-capacity.conf"
  "$tmp/release/deploy/nginx-capacity.sh" "$tmp/nginx-capacity.conf"
  "$tmp/release/deploy/nginx-capacity.sh" "$tmp/nginx-capacity.conf" # again: no change
  if grep -qE '^[[:space:]]*worker_connections 16384;' "$tmp/nginx-capacity.conf" \
      && [ "$(grep -c '^worker_rlimit_nofile 65536;' "$tmp/nginx-capacity.conf")" = 1 ] \
      && nginx -t -q -c "$tmp/nginx-capacity.conf" 2>/dev/null; then
    pass "Debian's nginx.conf gets 16384 connections per worker and 65536 files, once"
  else
    fail "nginx-capacity.sh did not size Debian's nginx.conf (or nginx -t refused it)"
  fi
else
  fail "no /etc/nginx/nginx.conf (Debian's nginx package) to size"
fi

# --- 3. nginx with the installed site -------------------------------------------------------
mkdir -p "$tmp/cert" "$tmp/acme/.well-known/acme-challenge" "$tmp/nginx"
make_cert "$tmp/cert" "$DOMAIN"
chmod 0644 "$tmp/cert/cert.pem"
CERT="$tmp/cert/cert.pem" KEY="$tmp/cert/key.pem"
WEB_ROOT="$root/opt/chat/web" ACME_ROOT="$tmp/acme"
# Free ports can be taken by someone else before nginx binds them: then new ports, up to 3 tries.
for attempt in 1 2 3; do
  ports=$(free_ports 2)
  P_HTTP=${ports%%$'\n'*} P_HTTPS=${ports##*$'\n'}
  render_site "$root/etc/nginx/sites-available/chat.conf" "$tmp/nginx/site.conf"
  nginx_conf "$tmp/nginx" "$tmp/nginx/site.conf"
  nginx_test "$tmp/nginx" || die "nginx -t failed on the installed site"
  nginx -p "$tmp/nginx" -e "$tmp/nginx/logs/error.log" -c "$tmp/nginx/nginx.conf" \
    -g 'daemon off;' &
  nginx_pid=$!
  for _ in $(seq 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$P_HTTP/"; then break; fi
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$nginx_pid" 2>/dev/null && curl -s -o /dev/null "http://127.0.0.1:$P_HTTP/"; then
    break
  fi
  kill "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  nginx_pid=''
  if [ "$attempt" -eq 3 ] || ! grep -q 'Address already in use' "$tmp/nginx/logs/error.log"; then
    die "nginx did not start"
  fi
  say "a port was taken before nginx could bind it; trying other ports"
done
pass "nginx serves the site on 127.0.0.1:$P_HTTP and :$P_HTTPS"

# --- 3b. the first-boot script of the user-data, fetching the release from nginx ------------
# The real script, with its paths moved into the temp dir and install.sh told --prefix.
boot="$tmp/boot"
mkdir -p "$boot"
user_data_script chat-bootstrap "$boot/original"
# shellcheck disable=SC2016  # the script's own text, dollar signs included
for path in /etc/chat/deploy.env /opt/chat/release '"$dest/deploy/install.sh" "$@"'; do
  grep -qF "$path" "$boot/original" || die "chat-bootstrap no longer contains $path"
done
sed -e "s|/etc/chat/deploy.env|$boot/deploy.env|g" -e "s|/opt/chat/release|$boot/release|g" \
  -e "s|\"\$dest/deploy/install.sh\" \"\$@\"|& --prefix $boot/root|" \
  "$boot/original" > "$boot/chat-bootstrap"
cp "$archive" "$WEB_ROOT/release.tar.gz"
chmod 0644 "$WEB_ROOT/release.tar.gz"
sha=$(cut -d' ' -f1 "$archive.sha256")
printf '%s\n' "DOMAIN=$DOMAIN" EMAIL= "RELEASE_URL=https://127.0.0.1:$P_HTTPS/release.tar.gz" \
  "RELEASE_SHA256=$sha" RELEASE_BUCKET= RELEASE_KEY= AWS_REGION=eu-west-1 > "$boot/deploy.env"
if CURL_CA_BUNDLE="$tmp/cert/cert.pem" bash "$boot/chat-bootstrap" 2> "$boot/log" \
    && cmp -s "$boot/root/opt/chat/chat-server.jar" "$server_jar" \
    && [ -f "$boot/release/VERSION" ] \
    && grep -q "CHAT_ALLOWED_ORIGINS=https://$DOMAIN" "$boot/root/etc/chat/chat.env"; then
  pass "user-data's chat-bootstrap downloads, verifies and installs the release"
else
  fail "user-data's chat-bootstrap failed: $(cat "$boot/log")"
fi
wrong=$(printf '%064d' 0)
if CURL_CA_BUNDLE="$tmp/cert/cert.pem" bash "$boot/chat-bootstrap" \
    "https://127.0.0.1:$P_HTTPS/release.tar.gz" "$wrong" 2> "$boot/log"; then
  fail "chat-bootstrap installed an archive whose SHA-256 does not match"
elif grep -q 'does not match its SHA-256' "$boot/log"; then
  pass "chat-bootstrap refuses an archive whose SHA-256 does not match"
else
  fail "chat-bootstrap with a wrong SHA-256 failed for another reason: $(cat "$boot/log")"
fi
rm -f "$WEB_ROOT/release.tar.gz"
# The S3 source, on first boot (deploy.env) and as the update command (arguments): an `aws`
# stand-in on PATH records its arguments and hands out the archive, so no AWS is involved.
mkdir -p "$boot/bin"
cat > "$boot/bin/aws" <<'EOF'
#!/bin/sh
printf '%s\n' "$*" >> "$FAKE_AWS_LOG"
for last; do :; done
cp "$FAKE_S3_ARCHIVE" "$last"
EOF
chmod 0755 "$boot/bin/aws"
key="releases/$(basename "$archive")"
printf '%s\n' "DOMAIN=$DOMAIN" EMAIL= RELEASE_URL= "RELEASE_SHA256=$sha" \
  RELEASE_BUCKET=chat-releases "RELEASE_KEY=$key" AWS_REGION=eu-west-1 > "$boot/deploy.env"
for how in deploy.env arguments; do
  args=()
  if [ "$how" = arguments ]; then
    # deploy.env names another source now: the arguments must win.
    printf '%s\n' "DOMAIN=$DOMAIN" EMAIL= "RELEASE_URL=https://127.0.0.1:9/not-this.tar.gz" \
      "RELEASE_SHA256=$wrong" RELEASE_BUCKET= RELEASE_KEY= AWS_REGION=eu-west-1 > "$boot/deploy.env"
    args=("s3://chat-releases/$key" "$sha")
  fi
  rm -rf "$boot/root" "$boot/releases" "$boot/release" "$boot/aws.log"
  if PATH="$boot/bin:$PATH" FAKE_AWS_LOG="$boot/aws.log" FAKE_S3_ARCHIVE="$archive" \
      bash "$boot/chat-bootstrap" "${args[@]}" 2> "$boot/log" \
      && grep -q "^s3 cp --only-show-errors --region eu-west-1 s3://chat-releases/$key " \
        "$boot/aws.log" \
      && cmp -s "$boot/root/opt/chat/chat-server.jar" "$server_jar"; then
    pass "chat-bootstrap fetches the release from S3 (bucket and key from $how)"
  else
    fail "chat-bootstrap from S3 ($how): $(cat "$boot/log" "$boot/aws.log" 2>/dev/null)"
  fi
done

https() {  # https PATH [curl options]: a request to the site through TLS, name checked
  local path=$1
  shift
  curl -sS --cacert "$tmp/cert/cert.pem" --resolve "$DOMAIN:$P_HTTPS:127.0.0.1" "$@" \
    "https://$DOMAIN:$P_HTTPS$path"
}

# --- 4. through nginx -----------------------------------------------------------------------
if https / -o "$tmp/index.html" -D "$tmp/index.headers" --fail \
    && cmp -s "$tmp/index.html" "$repo/web/index.html"; then
  pass "GET / over https returns web/index.html"
else
  fail "GET / over https did not return web/index.html"
fi
for header in "strict-transport-security: max-age=" \
    "content-security-policy: default-src 'self'; script-src 'self';" \
    "connect-src 'self' wss://$DOMAIN;" "x-content-type-options: nosniff" \
    "referrer-policy: no-referrer" "frame-ancestors 'none'"; do
  if tr -d '\r' < "$tmp/index.headers" | grep -qiF "$header"; then
    pass "header: $header"
  else
    fail "header missing: $header"
  fi
done
# A script the page loads, if the web client has any, comes from nginx too.
first_js=$(cd "$repo/web" && find . -name '*.js' -type f ! -path '*/test*' | sort | head -n 1)
if [ -n "$first_js" ]; then
  if https "/${first_js#./}" --fail -o "$tmp/first.js" -D "$tmp/js.headers" \
      && cmp -s "$tmp/first.js" "$repo/web/${first_js#./}" \
      && grep -qi '^content-type: .*javascript' "$tmp/js.headers"; then
    pass "GET /${first_js#./} returns the file as JavaScript"
  else
    fail "GET /${first_js#./} did not return the file as JavaScript"
  fi
fi
health=$(https /healthz --fail || true)
if python3 -c 'import json,sys; d = json.loads(sys.argv[1]); sys.exit(d["status"] != "ok")' "$health" 2>/dev/null; then
  pass "GET /healthz through nginx: $health"
else
  fail "GET /healthz through nginx: '$health'"
fi
config=$(https /config.json --fail || true)
if python3 -c 'import json,sys; sys.exit(json.loads(sys.argv[1])["wsUrl"] != sys.argv[2])' \
    "$config" "wss://$DOMAIN/ws" 2>/dev/null; then
  pass "GET /config.json through nginx: $config"
else
  fail "GET /config.json through nginx: '$config' (expected wsUrl wss://$DOMAIN/ws)"
fi
status=$(https /nothing-here -o /dev/null -w '%{http_code}' || true)
if [ "$status" = 404 ]; then pass "an unknown path is 404"; else fail "an unknown path gave $status"; fi
status=$(https / -X POST -o /dev/null -w '%{http_code}' || true)
if [ "$status" = 403 ]; then pass "POST / is refused (403)"; else fail "POST / gave $status"; fi
redirect=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' \
  -H "Host: $DOMAIN" "http://127.0.0.1:$P_HTTP/some/page?x=1" || true)
if [ "$redirect" = "301 https://$DOMAIN/some/page?x=1" ]; then
  pass "http:// redirects to https:// ($redirect)"
else
  fail "http:// gave '$redirect', expected a 301 to https://$DOMAIN/some/page?x=1"
fi
echo smoke-token-content > "$tmp/acme/.well-known/acme-challenge/smoke-token"
chmod -R a+rX "$tmp/acme"
challenge=$(curl -sS --fail -H "Host: $DOMAIN" \
  "http://127.0.0.1:$P_HTTP/.well-known/acme-challenge/smoke-token" || true)
if [ "$challenge" = smoke-token-content ]; then
  pass "ACME challenge files are served on port 80"
else
  fail "ACME challenge on port 80 gave '$challenge'"
fi

# The WebSocket upgrade passes nginx with the browser's Origin intact: the site's own origin
# is accepted (101), another is refused by the server with the HTTP error docs/protocol.md
# names (404 WebSocket Upgrade Failure).
upgrade() {
  https /ws --http1.1 -o /dev/null -w '%{http_code}' --max-time 3 \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H "Origin: $1" 2>/dev/null || true
}
status=$(upgrade "https://$DOMAIN")
if [ "$status" = 101 ]; then
  pass "WebSocket upgrade from https://$DOMAIN: 101"
else
  fail "WebSocket upgrade from https://$DOMAIN gave $status, expected 101"
fi
status=$(upgrade "https://evil.example")
if [ "$status" = 404 ]; then
  pass "WebSocket upgrade from another origin is refused ($status)"
else
  fail "WebSocket upgrade from https://evil.example gave $status, expected 404 (refused)"
fi

# Many people behind one address (an office, a carrier's NAT): 50 WebSockets open at once from
# 127.0.0.1 all get through nginx (its limits per address are sized for that).
opened=$(python3 - "$DOMAIN" "$P_HTTPS" "$tmp/cert/cert.pem" <<'PY'
import socket, ssl, sys
domain, port, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
context = ssl.create_default_context(cafile=ca)
held, upgraded = [], 0
for _ in range(50):
    s = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5),
                            server_hostname=domain)
    s.sendall((f"GET /ws HTTP/1.1\r\nHost: {domain}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
               f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: https://{domain}\r\n\r\n")
              .encode())
    if s.recv(64).startswith(b"HTTP/1.1 101"):
        upgraded += 1
    held.append(s)  # kept open: nginx counts connections open at once
print(upgraded)
for s in held:
    s.close()
PY
) || opened=0
if [ "$opened" = 50 ]; then
  pass "50 WebSockets open at once from one address all got 101"
else
  fail "of 50 WebSockets from one address only $opened got 101"
fi

# Messages through nginx over wss:// with the Java SDK's CLI, trusting only the test
# certificate (standard javax.net.ssl properties).
keytool -importcert -noprompt -alias smoke -file "$tmp/cert/cert.pem" \
  -keystore "$tmp/trust.p12" -storetype PKCS12 -storepass smoke-pass >/dev/null 2>&1
ws_url="wss://127.0.0.1:$P_HTTPS/ws"
cli() {  # cli USER ARGS...: one CLI command as USER (password from the environment)
  local user=$1
  shift
  CHAT_PASSWORD="password-of-$user" java \
    -Djavax.net.ssl.trustStore="$tmp/trust.p12" -Djavax.net.ssl.trustStorePassword=smoke-pass \
    -Djavax.net.ssl.trustStoreType=PKCS12 \
    -jar "$cli_jar" --server "$ws_url" --user "$user" "$@"
}
text="hello through nginx $RANDOM$RANDOM"
if cli bob --register token > "$tmp/bob.token" 2> "$tmp/cli.err" && [ -s "$tmp/bob.token" ]; then
  pass "bob registers over $ws_url"
else
  fail "bob could not register over $ws_url: $(cat "$tmp/cli.err")"
fi
if seq=$(cli alice --register send @bob "$text" 2> "$tmp/cli.err") && [ "$seq" = 1 ]; then
  pass "alice registers and sends a direct message to bob (seq $seq)"
else
  fail "alice's send: '${seq:-}' $(cat "$tmp/cli.err")"
fi
if history=$(cli bob history @alice 2> "$tmp/cli.err") \
    && grep -qE "^@alice 1 [^ ]+ alice: $text\$" <<<"$history"; then
  pass "bob reads alice's message from history: $history"
else
  fail "bob's history of @alice: '${history:-}' $(cat "$tmp/cli.err")"
fi
if history=$(cli alice history @bob 2> "$tmp/cli.err") \
    && grep -qE "^@bob 1 [^ ]+ alice: $text\$" <<<"$history"; then
  pass "alice sees her message in her history of @bob"
else
  fail "alice's history of @bob: '${history:-}' $(cat "$tmp/cli.err")"
fi
# Without the trust store the self-signed certificate must be refused.
code=0
CHAT_PASSWORD=password-of-bob java -jar "$cli_jar" --server "$ws_url" --user bob token \
  > /dev/null 2> "$tmp/cli.err" || code=$?
if [ "$code" = 3 ]; then
  pass "the CLI refuses the untrusted certificate without the trust store (exit 3)"
else
  fail "the CLI without the trust store exited $code, expected 3 (cannot connect)"
fi

# --- 5. SIGTERM -----------------------------------------------------------------------------
kill -TERM "$server_pid"
code=0
wait "$server_pid" || code=$?
server_pid=''
if [ "$code" = 0 ]; then
  pass "the server exits 0 on SIGTERM"
else
  fail "the server exited $code on SIGTERM"
fi
status=$(https /healthz -o /dev/null -w '%{http_code}' || true)
if [ "$status" = 502 ]; then
  pass "with the server stopped, nginx answers /healthz with 502"
else
  fail "with the server stopped, /healthz gave $status (expected 502)"
fi

# Per client address limits (last: they use up this address's allowance). burst COUNT: COUNT
# requests for the page at once, in parallel; prints their status codes.
burst() {
  for _ in $(seq "$1"); do
    printf 'url = "https://%s:%s/"\noutput = "/dev/null"\n' "$DOMAIN" "$P_HTTPS"
  done > "$tmp/burst.curl"
  curl -sS --parallel --parallel-max 50 --cacert "$tmp/cert/cert.pem" \
    --resolve "$DOMAIN:$P_HTTPS:127.0.0.1" -K "$tmp/burst.curl" -w '%{http_code}\n' || true
}
# Two people behind one address loading the page at once: about 40 requests each.
codes=$(burst 80)
ok=$(grep -c '^200$' <<<"$codes" || true)
if [ "$ok" -eq 80 ]; then
  pass "two page loads at once from one address (80 requests) all got 200"
else
  fail "of two page loads at once from one address only $ok of 80 requests got 200"
fi
# 400 at once, far above limit_req's 20 per second with a burst of 200: 200s, then 429s.
codes=$(burst 400)
ok=$(grep -c '^200$' <<<"$codes" || true)
limited=$(grep -c '^429$' <<<"$codes" || true)
if [ "$ok" -ge 100 ] && [ "$limited" -ge 1 ] && [ $((ok + limited)) -eq 400 ]; then
  pass "limit_req: a burst of 400 requests got $ok 200s and $limited 429s"
else
  fail "limit_req: a burst of 400 requests got $ok 200s and $limited 429s (expected both)"
fi

finish
