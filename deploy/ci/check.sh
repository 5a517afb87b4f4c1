#!/usr/bin/env bash
# Validates every deploy file without AWS (run by CI; see docs/deploy.md, "Checks in CI"):
#   CloudFormation template  cfn-lint; its UserData is exactly deploy/cloud-init/user-data.yaml
#   cloud-init user-data     cloud-init schema; only stack parameters in its placeholders;
#                            the scripts it writes pass ShellCheck
#   shell scripts            shellcheck passes every *.sh under deploy/ and the steps of
#                            the Pages workflow
#   nginx sites              nginx -t (with a throw-away certificate, in a temp prefix);
#                            ports, timeouts and names agree with chat.env
#   systemd unit             systemd-analyze verify; systemd-analyze security below 5.0
# A missing tool fails the run.
set -euo pipefail
script_name=check
# shellcheck source=deploy/ci/lib.sh
. "$(dirname "$0")/lib.sh"

# cfn-lint is a Python tool; pyenv installs keep it in their shims folder.
PATH="$PATH:${PYENV_ROOT:-${HOME:-/root}/.pyenv}/shims"
need cfn-lint nginx shellcheck cloud-init systemd-analyze openssl python3 java
[ -x /usr/bin/java ] || die "/usr/bin/java is missing (systemd-analyze verify needs the unit's ExecStart)"
# cloud-init's own Python (Debian's python3 with python3-yaml) reads the YAML files below.
yaml_python=/usr/bin/python3
"$yaml_python" -c 'import yaml' 2>/dev/null \
  || die "$yaml_python cannot import yaml (apt-get install python3-yaml)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

template="$deploy/cloudformation/chat.yaml"
user_data="$deploy/cloud-init/user-data.yaml"
unit="$deploy/systemd/chat-server.service"
env_file="$deploy/systemd/chat.env"
site="$deploy/nginx/chat.conf"
acme_site="$deploy/nginx/chat-acme.conf"
pages="$repo/.github/workflows/pages.yml"

# --- CloudFormation -------------------------------------------------------------------------
say "cfn-lint $(cfn-lint --version 2>&1)"
if cfn-lint --include-checks I -- "$template"; then
  pass "cfn-lint $template"
else
  fail "cfn-lint $template"
fi
if "$deploy/cloudformation/sync-user-data.sh" --check; then
  pass "the template's UserData is deploy/cloud-init/user-data.yaml"
else
  fail "the template's UserData differs from deploy/cloud-init/user-data.yaml"
fi
if grep -q 'HttpTokens: required' "$template"; then
  pass "IMDSv2 required"
else
  fail "the template does not require IMDSv2 (MetadataOptions HttpTokens: required)"
fi

# --- cloud-init -----------------------------------------------------------------------------
if cloud-init schema --config-file "$user_data"; then
  pass "cloud-init schema $user_data"
else
  fail "cloud-init schema $user_data"
fi
# Every ${...} is filled in by Fn::Sub, so it must name a stack parameter or AWS::Region.
params=$("$yaml_python" - "$template" <<'EOF'
import sys, yaml
class Loader(yaml.SafeLoader):
    pass
Loader.add_multi_constructor('!', lambda loader, suffix, node: None)
print('\n'.join(yaml.load(open(sys.argv[1]), Loader=Loader)['Parameters']))
EOF
)
bad=''
while read -r placeholder; do
  name=${placeholder#\$\{}
  name=${name%\}}
  if [ "$name" != AWS::Region ] && ! grep -qx "$name" <<<"$params"; then
    bad="$bad $placeholder"
  fi
done < <(grep -o '[$][{][^}]*[}]' "$user_data" | sort -u)
if [ -z "$bad" ]; then
  pass "user-data placeholders are stack parameters"
else
  fail "user-data has placeholders that are not stack parameters:$bad"
fi
size=$(wc -c < "$user_data")
if [ "$size" -lt 16000 ]; then
  pass "user-data is $size bytes (EC2 takes at most 16 KB)"
else
  fail "user-data is $size bytes; EC2 takes at most 16 KB"
fi
# The scripts that user-data writes, each to its own file for shellcheck.
mkdir -p "$tmp/user-data"
"$yaml_python" - "$user_data" "$tmp/user-data" <<'EOF'
import os, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
n = 0
for f in doc.get('write_files', []):
    if f.get('content', '').startswith('#!'):
        n += 1
        with open(os.path.join(sys.argv[2], os.path.basename(f['path'])), 'w') as out:
            out.write(f['content'])
if n == 0:
    sys.exit('no scripts found in write_files')
EOF
for script in "$tmp"/user-data/*; do
  if shellcheck "$script"; then
    pass "shellcheck user-data script $(basename "$script")"
  else
    fail "shellcheck user-data script $(basename "$script")"
  fi
done

# --- shell scripts --------------------------------------------------------------------------
while IFS= read -r -d '' script; do
  if shellcheck -x "$script"; then
    pass "shellcheck ${script#"$repo"/}"
  else
    fail "shellcheck ${script#"$repo"/}"
  fi
done < <(find "$deploy" -name '*.sh' -type f -print0 | sort -z)
if [ -f "$pages" ]; then
  mkdir -p "$tmp/pages"
  "$yaml_python" - "$pages" "$tmp/pages" <<'EOF'
import os, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
n = 0
for job_name, job in doc['jobs'].items():
    for i, step in enumerate(job.get('steps', [])):
        if 'run' in step:
            n += 1
            # GitHub runs these with bash -e; expressions are replaced by a placeholder.
            body = step['run'].replace('${{', '"$GH_EXPR').replace('}}', '"')
            with open(os.path.join(sys.argv[2], f'{job_name}-{i}.sh'), 'w') as out:
                out.write('#!/bin/bash\nset -e\n' + body)
if n == 0:
    sys.exit('no run steps found')
EOF
  for script in "$tmp"/pages/*.sh; do
    if shellcheck "$script"; then
      pass "shellcheck pages.yml step $(basename "$script" .sh)"
    else
      fail "shellcheck pages.yml step $(basename "$script" .sh)"
    fi
  done
else
  fail "$pages is missing"
fi

# --- nginx ----------------------------------------------------------------------------------
# The templates as they are (domain chat.example.org), with a throw-away certificate and
# loopback ports instead of the Let's Encrypt files and ports 80/443.
mkdir -p "$tmp/cert"
make_cert "$tmp/cert" chat.example.org
DOMAIN=chat.example.org P_HTTP=18080 P_HTTPS=18443 APP_HTTP=8080 APP_WS=8081
CERT="$tmp/cert/cert.pem" KEY="$tmp/cert/key.pem" WEB_ROOT="$repo/web" ACME_ROOT="$tmp/acme"
for s in "$site" "$acme_site"; do
  name=$(basename "$s" .conf)
  mkdir -p "$tmp/nginx-$name"
  render_site "$s" "$tmp/nginx-$name/site.conf"
  nginx_conf "$tmp/nginx-$name" "$tmp/nginx-$name/site.conf"
  if nginx_test "$tmp/nginx-$name"; then
    pass "nginx -t ${s#"$repo"/}"
  else
    fail "nginx -t ${s#"$repo"/}"
  fi
done
# And as installed: Debian's own /etc/nginx/nginx.conf including sites-enabled/chat.conf, with
# certificate files where certbot puts them. In a private mount namespace, over a copy of /etc,
# so nothing on this machine changes.
need unshare
[ "$(id -u)" = 0 ] || die "run as root (CI does): the installed-layout nginx test mounts over /etc"
mkdir -p "$tmp/etc"
cp -a /etc/. "$tmp/etc/"
rm -f "$tmp/etc/nginx/sites-enabled/"*
cp "$site" "$tmp/etc/nginx/sites-available/chat.conf"
ln -s /etc/nginx/sites-available/chat.conf "$tmp/etc/nginx/sites-enabled/chat.conf"
mkdir -p "$tmp/etc/letsencrypt/live/chat.example.org"
cp "$CERT" "$tmp/etc/letsencrypt/live/chat.example.org/fullchain.pem"
cp "$KEY" "$tmp/etc/letsencrypt/live/chat.example.org/privkey.pem"
# shellcheck disable=SC2016  # $1 is expanded by the inner shell
if unshare --mount --propagation private sh -c \
    'mount --bind "$1" /etc && nginx -t -q' sh "$tmp/etc"; then
  pass "nginx -t with Debian's nginx.conf and the site installed as install.sh does"
else
  fail "nginx -t with Debian's nginx.conf and the site installed as install.sh does"
fi

# The site and chat.env must agree.
env_value() { sed -n "s/^$1=//p" "$env_file" | tail -n 1; }
ping=$(env_value CHAT_PING_INTERVAL_SECONDS)
read_timeout=$(awk '/location = \/ws/ { ws = 1 } ws && /proxy_read_timeout/ { gsub(/[^0-9]/, "", $2); print $2; exit }' "$site")
if [ -n "$ping" ] && [ -n "$read_timeout" ] && [ "$read_timeout" -gt $((ping * 2)) ]; then
  pass "/ws proxy_read_timeout ${read_timeout}s is above twice the ${ping}s ping interval"
else
  fail "/ws proxy_read_timeout '${read_timeout}' must exceed twice CHAT_PING_INTERVAL_SECONDS '${ping}'"
fi
if grep -q "server 127.0.0.1:$(env_value CHAT_HTTP_PORT);" "$site" \
    && grep -q "server 127.0.0.1:$(env_value CHAT_PORT);" "$site" \
    && [ "$(env_value CHAT_HOST)" = 127.0.0.1 ]; then
  pass "nginx upstreams match CHAT_HOST, CHAT_HTTP_PORT and CHAT_PORT"
else
  fail "nginx upstreams do not match CHAT_HOST/CHAT_HTTP_PORT/CHAT_PORT in chat.env"
fi
if [ "$(env_value CHAT_PUBLIC_WS_URL)" = wss://chat.example.org/ws ] \
    && [ "$(env_value CHAT_ALLOWED_ORIGINS)" = https://chat.example.org ] \
    && grep -q "connect-src 'self' wss://chat.example.org;" "$site"; then
  pass "public WebSocket URL, allowed origin and CSP connect-src agree"
else
  fail "CHAT_PUBLIC_WS_URL, CHAT_ALLOWED_ORIGINS and the CSP connect-src disagree"
fi

# --- systemd --------------------------------------------------------------------------------
mkdir -p "$tmp/systemd"
cp "$unit" "$tmp/systemd/"
verify_out=$(cd "$tmp/systemd" && systemd-analyze verify ./chat-server.service 2>&1) \
  && verify_rc=0 || verify_rc=$?
if [ "$verify_rc" -eq 0 ] && ! grep -q chat-server <<<"$verify_out"; then
  pass "systemd-analyze verify chat-server.service"
else
  printf '%s\n' "$verify_out" >&2
  fail "systemd-analyze verify chat-server.service"
fi
# Exposure is reported as 0.0-10.0; --threshold counts tenths, so 49 means "below 5.0".
security_out=$(systemd-analyze security --offline=true --threshold=49 \
  "$tmp/systemd/chat-server.service" 2>&1) && security_rc=0 || security_rc=$?
exposure=$(grep -o 'Overall exposure level for chat-server.service: [0-9.]* [A-Z]*' \
  <<<"$security_out" || true)
if [ "$security_rc" -eq 0 ] && [ -n "$exposure" ]; then
  pass "systemd-analyze security: $exposure (threshold 4.9)"
else
  printf '%s\n' "$security_out" >&2
  fail "systemd-analyze security: '${exposure:-no rating}' is not below 5.0"
fi
if grep -q '^MemoryDenyWriteExecute' "$unit"; then
  fail "MemoryDenyWriteExecute breaks the JVM's JIT compiler"
elif grep -q '^ExecStart=.*-XX:MaxRAMPercentage=.*-XX:+ExitOnOutOfMemoryError.*-jar /opt/chat/chat-server.jar' "$unit"; then
  pass "the unit runs the jar with the memory flags"
else
  fail "ExecStart lacks -XX:MaxRAMPercentage / -XX:+ExitOnOutOfMemoryError / the jar"
fi

finish
