#!/usr/bin/env bash
# Checks the unit's SystemCallFilter= against the system calls the server really makes: runs
# the server as the unit does (its ExecStart, as an unprivileged user like DynamicUser's)
# under strace, lets the Java SDK's CLI register two users, send and read a message, fetches
# the web page and /healthz, stops it with SIGTERM, then lists every system call the JVM made
# that the filter would refuse. Fails if there is one: the filter would break the server.
#
# Needs: the server and CLI jars (mvn package), strace, setpriv (util-linux, when run as root),
# java, python3, curl, systemd-analyze. Environment: CHAT_BUILD_DIR (default target).
set -euo pipefail
script_name=syscalls
# shellcheck source=deploy/ci/lib.sh
. "$(dirname "$0")/lib.sh"

need strace java python3 curl systemd-analyze
build_dir=${CHAT_BUILD_DIR:-target}
server_jar="$repo/chat-server-app/$build_dir/chat-server.jar"
cli_jar="$repo/chat-client-java/$build_dir/chat-client.jar"
[ -f "$server_jar" ] || die "$server_jar not found: build first (mvn -B package -DskipTests)"
[ -f "$cli_jar" ] || die "$cli_jar not found: build first (mvn -B package -DskipTests)"
unit="$deploy/systemd/chat-server.service"

tmp=$(mktemp -d)
chmod 0755 "$tmp"
strace_pid=''
cleanup() {
  if [ -n "$strace_pid" ]; then kill "$strace_pid" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  if [ -z "${KEEP_TMP:-}" ]; then rm -rf "$tmp"; else say "kept $tmp"; fi
}
trap cleanup EXIT

# As root, drop to nobody the way DynamicUser= runs the service without privileges.
as_user=()
if [ "$(id -u)" = 0 ]; then
  need setpriv
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi
mkdir -p "$tmp/state/chat" "$tmp/trace"
if [ "$(id -u)" = 0 ]; then chown 65534:65534 "$tmp/state/chat" "$tmp"; fi

exec_start=$(sed -n 's/^ExecStart=//p' "$unit" | sed "s|/opt/chat/chat-server.jar|$server_jar|")
read -r -a command <<<"$exec_start"
env_file="$tmp/chat.env"
{
  sed -n 's/^Environment=//p' "$unit" | tr ' ' '\n' | sed "s|%S|$tmp/state|"
  cat "$deploy/systemd/chat.env"
  printf '%s\n' CHAT_HTTP_PORT=0 CHAT_PORT=0 "CHAT_DATA_DIR=$tmp/state/chat" \
    "CHAT_PORTS_FILE=$tmp/state/chat/ports.json"
} > "$env_file"
(
  cd "$tmp"
  set -a
  # shellcheck source=/dev/null
  . "$env_file"
  set +a
  exec strace -f -qq -ff -o "$tmp/trace/t" "${as_user[@]}" "${command[@]}"
) > "$tmp/server.log" 2>&1 &
strace_pid=$!
ports="$tmp/state/chat/ports.json"
for _ in $(seq 600); do
  if [ -s "$ports" ] || ! kill -0 "$strace_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
[ -s "$ports" ] || { cat "$tmp/server.log" >&2; die "the server did not start under strace"; }
http=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' "$ports")
ws=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ws"])' "$ports")

cli() {
  local user=$1
  shift
  CHAT_PASSWORD="password-of-$user" java -jar "$cli_jar" --server "ws://127.0.0.1:$ws/ws" \
    --user "$user" "$@"
}
cli dora --register token > /dev/null || fail "dora could not register"
[ "$(cli eddie --register send @dora 'filtered?')" = 1 ] || fail "eddie could not send to dora"
cli dora history @eddie | grep -q "eddie: filtered?" || fail "dora could not read eddie's message"
curl -fsS -o /dev/null "http://127.0.0.1:$http/" || fail "GET / failed"
curl -fsS -o /dev/null "http://127.0.0.1:$http/healthz" || fail "GET /healthz failed"

server_pid=$(pgrep -P "$strace_pid" | head -n 1)
[ -n "$server_pid" ] || die "cannot find the server's process under strace"
kill -TERM "$server_pid"
code=0
wait "$strace_pid" || code=$?
strace_pid=''
if [ "$code" = 0 ]; then pass "the server ran and stopped cleanly under strace"; else fail "the server exited $code"; fi

# The JVM's system calls: everything after its execve (setpriv's own calls come before it).
python3 - "$tmp/trace" "$unit" > "$tmp/report" <<'EOF' || true
import glob, os, re, subprocess, sys
trace_dir, unit = sys.argv[1], sys.argv[2]
out = subprocess.run(['systemd-analyze', 'syscall-filter'], capture_output=True, text=True,
                     check=True).stdout
groups, cur = {}, None
for line in out.splitlines():
    s = line.strip()
    if line.startswith('@'):
        cur = s
        groups[cur] = []
    elif cur and s and not s.startswith('#'):
        groups[cur].append(s)
def expand(item):
    if not item.startswith('@'):
        return {item}
    return set().union(*(expand(m) for m in groups[item]))
allowed = None
for line in open(unit):
    if line.startswith('SystemCallFilter='):
        spec = line.split('=', 1)[1].split()
        deny = spec[0].startswith('~')
        names = set().union(*(expand(x.lstrip('~')) for x in spec))
        if deny:
            allowed = (allowed if allowed is not None else set()) - names
        else:
            allowed = (allowed or set()) | names
if not allowed:
    sys.exit('the unit has no allow-list SystemCallFilter=')
used = {}
for path in glob.glob(os.path.join(trace_dir, 't.*')):
    lines = open(path, errors='replace').read().splitlines()
    # Only the first process's file holds calls made before java started.
    started = not any(line.startswith('execve(') for line in lines)
    for line in lines:
        m = re.match(r'([a-z_0-9]+)\(', line)
        if not m:
            continue
        name = m.group(1)
        if name == 'execve' and line.split('"')[1].endswith('/java'):
            started = True
        if started:
            used[name] = used.get(name, 0) + 1
refused = sorted(n for n in used if n not in allowed)
print(f'{len(used)} distinct system calls; outside the filter: {" ".join(refused) or "none"}')
sys.exit(1 if refused else 0)
EOF
if grep -q 'outside the filter: none' "$tmp/report"; then
  pass "SystemCallFilter allows every system call the server made: $(cat "$tmp/report")"
else
  fail "SystemCallFilter would refuse: $(cat "$tmp/report")"
fi

finish
