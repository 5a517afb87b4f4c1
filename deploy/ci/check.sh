#!/usr/bin/env bash
# Validates every deploy file without AWS (run by CI; see docs/deploy.md, "Checks in CI"):
#   CloudFormation templates cfn-lint; each one's UserData is exactly its cloud-init file;
#                            chat.yaml: parameters, SSM AMI, IMDSv2, ingress rules, Elastic IP,
#                            outputs; chat-cluster.yaml: the load balancer, its listeners and
#                            health checks, the nodes' group and rolling release, who reaches
#                            whom, private and encrypted PostgreSQL and Redis, no secret in
#                            the user-data, the nodes' settings
#   cloud-init user-data     cloud-init schema and no unknown top-level keys; their packages;
#                            only stack parameters and resources in their placeholders; the
#                            scripts they write pass ShellCheck
#   shell scripts            shellcheck passes every *.sh under deploy/ and the steps of
#                            the Pages workflow
#   nginx sites              nginx -t (with a throw-away certificate, in a temp prefix, and as
#                            installed under Debian's nginx.conf); the promised directives;
#                            ports, timeouts and names agree with chat.env; the cluster site's
#                            upstreams, passive health checks and retries
#   systemd unit             systemd-analyze verify (alone, and with the cluster nodes' drop-in);
#                            systemd-analyze security below 5.0; the promised directives;
#                            memory flags, no MemoryDenyWriteExecute
# A missing tool fails the run.
set -euo pipefail
script_name=check
# shellcheck source=deploy/ci/lib.sh
. "$(dirname "$0")/lib.sh"

# cfn-lint is a Python tool; pyenv installs keep it in their shims folder (CI's machine image:
# /root/.pyenv/shims, whatever HOME is).
PATH="$PATH:${PYENV_ROOT:-${HOME:-/root}/.pyenv}/shims:/root/.pyenv/shims"
need cfn-lint nginx shellcheck cloud-init systemd-analyze openssl python3 java diff awk unshare mount
[ "$(id -u)" = 0 ] || die "run as root (CI does): the installed-layout nginx test mounts over /etc"
[ -x /usr/bin/java ] || die "/usr/bin/java is missing (systemd-analyze verify needs the unit's ExecStart)"
# cloud-init's own Python (Debian's python3 with python3-yaml) reads the YAML files below.
yaml_python=/usr/bin/python3
"$yaml_python" -c 'import yaml' 2>/dev/null \
  || die "$yaml_python cannot import yaml (apt-get install python3-yaml)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

template="$deploy/cloudformation/chat.yaml"
user_data="$deploy/cloud-init/user-data.yaml"
cluster_template="$deploy/cloudformation/chat-cluster.yaml"
cluster_user_data="$deploy/cloud-init/user-data-cluster.yaml"
cluster_site="$deploy/nginx/chat-cluster.conf"
unit="$deploy/systemd/chat-server.service"
env_file="$deploy/systemd/chat.env"
site="$deploy/nginx/chat.conf"
acme_site="$deploy/nginx/chat-acme.conf"
pages="$repo/.github/workflows/pages.yml"

# --- CloudFormation -------------------------------------------------------------------------
say "cfn-lint $(cfn-lint --version 2>&1)"
for t in "$template" "$cluster_template"; do
  if cfn-lint --include-checks I -- "$t"; then
    pass "cfn-lint ${t#"$repo"/}"
  else
    fail "cfn-lint ${t#"$repo"/}"
  fi
done
if "$deploy/cloudformation/sync-user-data.sh" --check; then
  pass "the templates' UserData are user-data.yaml and user-data-cluster.yaml"
else
  fail "a template's UserData differs from its deploy/cloud-init file"
fi
# What cfn-lint cannot know: the template does what docs/deploy.md promises.
while IFS= read -r line; do
  case "$line" in
    ok:*) pass "template: ${line#ok: }" ;;
    *) fail "template: ${line#FAIL: }" ;;
  esac
done < <("$yaml_python" - "$template" "$deploy/cloudformation/chat-stack-policy.json" <<'EOF' \
  || echo "FAIL: cannot read the template"
import sys, yaml
class Loader(yaml.SafeLoader):
    pass
def tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == 'GetAtt' and isinstance(value, str):
        value = value.split('.', 1)
    return {'Ref' if suffix == 'Ref' else 'Fn::' + suffix: value}
Loader.add_multi_constructor('!', tag)
t = yaml.load(open(sys.argv[1]), Loader=Loader)
params, res, outputs = t['Parameters'], t['Resources'], t.get('Outputs', {})
def check(ok, text):
    print(('ok: ' if ok else 'FAIL: ') + text)
def of_type(kind):
    return {n: r for n, r in res.items() if r['Type'] == kind}
for p in ('InstanceType', 'KeyName', 'DomainName', 'AdminCidr'):
    check(p in params, f'parameter {p}')
check(params.get('KeyName', {}).get('Type') == 'AWS::EC2::KeyPair::KeyName',
      'KeyName is an AWS::EC2::KeyPair::KeyName')
instances = of_type('AWS::EC2::Instance')
check(len(instances) == 1, 'one EC2 instance')
(iname, inst), = instances.items()
ip = inst['Properties']
image = ip.get('ImageId')
image_param = params.get(image.get('Ref'), {}) if isinstance(image, dict) else {}
# An SSM parameter of the latest image is read again on every update: a newer image there
# would replace the instance and its root volume, the database with it.
check(image_param.get('Type') == 'AWS::EC2::Image::Id',
      'the AMI is a fixed image id (an update never swaps it by itself)')
import json
policy = json.load(open(sys.argv[2]))['Statement']
denied = [st for st in policy if st.get('Effect') == 'Deny'
          and st.get('Resource') == f'LogicalResourceId/{iname}']
actions = {a for st in denied
           for a in ([st['Action']] if isinstance(st['Action'], str) else st['Action'])}
check({'Update:Replace', 'Update:Delete'} <= actions,
      'the stack policy denies replacing or deleting the instance (the database is on it)')
check(any(st.get('Effect') == 'Allow' and st.get('Resource') == '*' for st in policy),
      'the stack policy allows every other update')
md = ip.get('MetadataOptions', {})
check(md.get('HttpTokens') == 'required' and md.get('HttpEndpoint', 'enabled') == 'enabled',
      'IMDSv2 required (MetadataOptions HttpTokens: required)')
groups = of_type('AWS::EC2::SecurityGroup')
check([{'Fn::GetAtt': [g, 'GroupId']} for g in groups] == ip.get('SecurityGroupIds'),
      "the instance is in the stack's security group")
rules = [r for g in groups.values() for r in g['Properties'].get('SecurityGroupIngress', [])]
rules += [r['Properties'] for r in of_type('AWS::EC2::SecurityGroupIngress').values()]
ports = {}
for r in rules:
    if r.get('IpProtocol') != 'tcp' or r.get('FromPort') != r.get('ToPort'):
        check(False, f'ingress rule {r} is not one TCP port')
        continue
    source = r.get('CidrIp', r.get('CidrIpv6', r.get('SourceSecurityGroupId')))
    ports.setdefault(int(r['FromPort']), []).append(source)
check(set(ports) == {22, 80, 443}, f'ingress only on ports 22, 80, 443 (has {sorted(ports)})')
for port in (80, 443):
    check('0.0.0.0/0' in ports.get(port, []), f'port {port} open to everyone')
check(ports.get(22) == [{'Ref': 'AdminCidr'}], 'port 22 only from AdminCidr')
eips = of_type('AWS::EC2::EIP')
assoc = [a['Properties'].get('InstanceId') for a in of_type('AWS::EC2::EIPAssociation').values()]
check(any(e['Properties'].get('InstanceId') == {'Ref': iname} for e in eips.values())
      or {'Ref': iname} in assoc, 'an Elastic IP on the instance')
urls = [str(o.get('Value')) for o in outputs.values()]
check(any('https://' in u for u in urls) and any('wss://' in u for u in urls),
      'outputs give the https:// and wss:// URLs')
EOF
)
while IFS= read -r line; do
  case "$line" in
    ok:*) pass "cluster template: ${line#ok: }" ;;
    *) fail "cluster template: ${line#FAIL: }" ;;
  esac
done < <("$yaml_python" "$deploy/ci/cluster-template.py" "$cluster_template" "$cluster_user_data" \
  || echo "FAIL: cannot read the cluster template")

# --- cloud-init -----------------------------------------------------------------------------
# check_user_data FILE TEMPLATE PACKAGE...: the cloud-init file that TEMPLATE carries.
check_user_data() {
  local file=$1 tpl=$2 name names unknown bad placeholder ref size script package
  name=$(basename "$file")
  shift 2
  if cloud-init schema --config-file "$file"; then
    pass "cloud-init schema $name"
  else
    fail "cloud-init schema $name"
  fi
  # cloud-init's schema lets unknown top-level keys through (a misspelt "packges:" would be
  # ignored on the instance), so every key must be one that the installed schema defines.
  if unknown=$("$yaml_python" - "$file" <<'EOF'
import json, os, sys, yaml
import cloudinit.config.schema as schema
path = os.path.join(os.path.dirname(schema.__file__), 'schemas', 'schema-cloud-config-v1.json')
s = json.load(open(path))
known = set()
for part in s['allOf']:
    known |= set(s['$defs'][part['$ref'].split('/')[-1]].get('properties', {}))
if len(known) < 50:
    sys.exit(f'cannot read the top-level keys from {path}')
print(' '.join(sorted(set(yaml.safe_load(open(sys.argv[1]))) - known)))
EOF
  ) && [ -z "$unknown" ]; then
    pass "$name uses only top-level keys that cloud-init's schema defines"
  else
    fail "$name has top-level keys cloud-init does not know: ${unknown:-?}"
  fi
  for package in "$@"; do
    if "$yaml_python" -c 'import sys, yaml; sys.exit(sys.argv[2] not in yaml.safe_load(open(sys.argv[1]))["packages"])' \
        "$file" "$package"; then
      pass "$name installs $package"
    else
      fail "$name does not install $package"
    fi
  done
  # Every ${...} is filled in by Fn::Sub, so it must name a parameter or a resource (or its
  # attribute) of the template, or AWS::Region or AWS::StackName.
  names=$("$yaml_python" - "$tpl" <<'EOF'
import sys, yaml
class Loader(yaml.SafeLoader):
    pass
Loader.add_multi_constructor('!', lambda loader, suffix, node: None)
t = yaml.load(open(sys.argv[1]), Loader=Loader)
print('\n'.join(list(t['Parameters']) + list(t['Resources']) + ['AWS::Region', 'AWS::StackName']))
EOF
  )
  bad=''
  while read -r placeholder; do
    ref=${placeholder#\$\{}
    ref=${ref%\}}
    if ! grep -qxF "${ref%%.*}" <<<"$names"; then
      bad="$bad $placeholder"
    fi
  done < <(grep -o '[$][{][^}]*[}]' "$file" | sort -u)
  if [ -z "$bad" ]; then
    pass "$name placeholders are parameters or resources of $(basename "$tpl")"
  else
    fail "$name has placeholders that $(basename "$tpl") does not define:$bad"
  fi
  size=$(wc -c < "$file")
  if [ "$size" -lt 16000 ]; then
    pass "$name is $size bytes (EC2 takes at most 16 KB)"
  else
    fail "$name is $size bytes; EC2 takes at most 16 KB"
  fi
  # The scripts that the user-data writes, each to its own file for shellcheck.
  rm -rf "$tmp/user-data"
  mkdir -p "$tmp/user-data"
  "$yaml_python" - "$file" "$tmp/user-data" <<'EOF'
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
      pass "shellcheck $name script $(basename "$script")"
    else
      fail "shellcheck $name script $(basename "$script")"
    fi
  done
}
check_user_data "$user_data" "$template" openjdk-17-jre-headless nginx certbot
check_user_data "$cluster_user_data" "$cluster_template" openjdk-17-jre-headless awscli

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
for s in "$site" "$cluster_site" "$acme_site"; do
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
mkdir -p "$tmp/etc"
cp -a /etc/. "$tmp/etc/"
mkdir -p "$tmp/etc/letsencrypt/live/chat.example.org"
cp "$CERT" "$tmp/etc/letsencrypt/live/chat.example.org/fullchain.pem"
cp "$KEY" "$tmp/etc/letsencrypt/live/chat.example.org/privkey.pem"
for s in "$site" "$cluster_site"; do
  rm -f "$tmp/etc/nginx/sites-enabled/"*
  cp "$s" "$tmp/etc/nginx/sites-available/chat.conf"
  ln -s /etc/nginx/sites-available/chat.conf "$tmp/etc/nginx/sites-enabled/chat.conf"
  # shellcheck disable=SC2016  # $1 is expanded by the inner shell
  if unshare --mount --propagation private sh -c \
      'mount --bind "$1" /etc && nginx -t -q' sh "$tmp/etc"; then
    pass "nginx -t with Debian's nginx.conf and $(basename "$s") installed as chat.conf"
  else
    fail "nginx -t with Debian's nginx.conf and $(basename "$s") installed as chat.conf"
  fi
done

# The directives docs/deploy.md promises (smoke.sh exercises the rest through nginx), in both
# sites, and the sites and chat.env must agree.
env_value() { sed -n "s/^$1=//p" "$env_file" | tail -n 1; }
ping=$(env_value CHAT_PING_INTERVAL_SECONDS)
for s in "$site" "$cluster_site"; do
  name=$(basename "$s")
  https_server=$(awk '/listen 443 ssl/ { on = 1 } on' "$s")
  # shellcheck disable=SC2016  # grep patterns (basic regular expressions), not shell
  for directive in 'client_header_timeout [0-9]' 'client_body_timeout [0-9]' 'send_timeout [0-9]' \
      'limit_conn chat_conn [0-9]' 'limit_req zone=chat_req ' 'limit_req zone=chat_ws ' \
      'ssl_protocols TLSv1.2 TLSv1.3;' 'add_header Strict-Transport-Security ' \
      'add_header Content-Security-Policy ' 'proxy_set_header Upgrade \$http_upgrade;' \
      'proxy_set_header Connection \$chat_connection_upgrade;' 'client_max_body_size 10m;' \
      'proxy_request_buffering off;'; do
    if grep -q -- "$directive" <<<"$https_server"; then
      pass "$name (443): $directive"
    else
      fail "$name (443): no '$directive'"
    fi
  done
  # shellcheck disable=SC2016  # nginx's variable, not the shell's
  if awk '/listen 80;/ { on = 1 } /listen 443/ { on = 0 } on' "$s" \
      | grep -qF 'return 301 https://chat.example.org$request_uri;'; then
    pass "$name (80): redirects to https://"
  else
    fail "$name (80): no 'return 301 https://chat.example.org\$request_uri;'"
  fi
  read_timeout=$(awk '/location = \/ws/ { ws = 1 } ws && /proxy_read_timeout/ { gsub(/[^0-9]/, "", $2); print $2; exit }' "$s")
  if [ -n "$ping" ] && [ -n "$read_timeout" ] && [ "$read_timeout" -gt $((ping * 2)) ]; then
    pass "$name: /ws proxy_read_timeout ${read_timeout}s is above twice the ${ping}s ping interval"
  else
    fail "$name: /ws proxy_read_timeout '${read_timeout}' must exceed twice CHAT_PING_INTERVAL_SECONDS '${ping}'"
  fi
  if grep -q "connect-src 'self' wss://chat.example.org;" "$s"; then
    pass "$name: CSP connect-src is the public WebSocket host"
  else
    fail "$name: CSP connect-src is not wss://chat.example.org"
  fi
done
# The cluster site keeps the one-node site's headers and limits: the same add_header and
# limit_* lines, in the same order.
if diff <(grep -E '^ *(add_header|limit_|ssl_)' "$site") \
    <(grep -E '^ *(add_header|limit_|ssl_)' "$cluster_site") >&2; then
  pass "chat-cluster.conf has chat.conf's headers, limits and TLS settings"
else
  fail "chat-cluster.conf's headers, limits or TLS settings differ from chat.conf's"
fi
# Its upstreams: the same nodes in both, each with a passive health check, the ports of chat.env.
if "$yaml_python" - "$cluster_site" "$(env_value CHAT_HTTP_PORT)" "$(env_value CHAT_PORT)" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
ups = dict(re.findall(r'upstream (\w+) \{(.*?)\}', text, re.S))
def servers(name):
    return re.findall(r'^\s*server (\S+):(\d+) (.*);$', ups.get(name, ''), re.M)
http, ws = servers('chat_http'), servers('chat_ws')
ok = (len(http) >= 2 and [h for h, _, _ in http] == [h for h, _, _ in ws]
      and {p for _, p, _ in http} == {sys.argv[2]} and {p for _, p, _ in ws} == {sys.argv[3]}
      and all(re.search(r'max_fails=\d+', o) and re.search(r'fail_timeout=\d+s', o)
              for _, _, o in http + ws)
      and all(re.search(r'^\s*zone \w+ \d+k;', u, re.M) for u in ups.values()))
sys.exit(0 if ok else 1)
EOF
then
  pass "chat-cluster.conf: both upstreams list the same nodes on chat.env's ports, with max_fails and fail_timeout, in a shared zone"
else
  fail "chat-cluster.conf: the upstreams differ, miss chat.env's ports, max_fails/fail_timeout or a zone"
fi
# Retries only where they are safe: never non_idempotent (a POST is never sent twice).
retry=$(grep -E '^ *proxy_next_upstream ' "$cluster_site" || true)
if [ "$(wc -l <<<"$retry")" = 1 ] && grep -q ' error timeout' <<<"$retry" \
    && ! grep -q non_idempotent <<<"$retry" \
    && grep -qE '^ *proxy_next_upstream_tries [0-9]+;' "$cluster_site" \
    && grep -qE '^ *proxy_next_upstream_timeout [0-9]+s;' "$cluster_site"; then
  pass "chat-cluster.conf: the next node is tried on errors and timeouts, bounded, never for non-idempotent requests"
else
  fail "chat-cluster.conf: proxy_next_upstream must be 'error timeout ...' without non_idempotent, with _tries and _timeout"
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
# With the cluster nodes' drop-in (written by user-data-cluster.yaml; its VPC range filled in
# with the template's default), read from a unit path the way systemd reads drop-ins.
mkdir -p "$tmp/systemd-cluster/chat-server.service.d"
cp "$unit" "$tmp/systemd-cluster/"
"$yaml_python" - "$cluster_user_data" "$cluster_template" \
    "$tmp/systemd-cluster/chat-server.service.d/cluster.conf" <<'EOF'
import sys, yaml
class Loader(yaml.SafeLoader):
    pass
Loader.add_multi_constructor('!', lambda loader, suffix, node: None)
cidr = yaml.load(open(sys.argv[2]), Loader=Loader)['Parameters']['VpcCidr']['Default']
for f in yaml.safe_load(open(sys.argv[1]))['write_files']:
    if f['path'] == '/etc/systemd/system/chat-server.service.d/cluster.conf':
        open(sys.argv[3], 'w').write(f['content'].replace('${VpcCidr}', cidr))
        sys.exit(0)
sys.exit('user-data-cluster.yaml writes no chat-server.service.d/cluster.conf')
EOF
verify_out=$(SYSTEMD_UNIT_PATH="$tmp/systemd-cluster:" systemd-analyze verify chat-server.service 2>&1) \
  && verify_rc=0 || verify_rc=$?
if [ "$verify_rc" -eq 0 ] && ! grep -q 'chat-server\|cluster.conf' <<<"$verify_out"; then
  pass "systemd-analyze verify chat-server.service with the cluster drop-in"
else
  printf '%s\n' "$verify_out" >&2
  fail "systemd-analyze verify chat-server.service with the cluster drop-in"
fi
# A node that starts while the database is out of reach keeps trying (the unit alone gives up
# after StartLimitBurst starts in StartLimitIntervalSec).
if awk '/^\[/ { section = $0 } section == "[Unit]" && /^StartLimitIntervalSec=0$/ { found = 1 }
    END { exit !found }' "$tmp/systemd-cluster/chat-server.service.d/cluster.conf"; then
  pass "cluster drop-in: a node restarts for as long as it takes (StartLimitIntervalSec=0)"
else
  fail "cluster drop-in: no StartLimitIntervalSec=0 in [Unit]: a node gives up after a few starts"
fi
security_out=$(SYSTEMD_UNIT_PATH="$tmp/systemd-cluster:" systemd-analyze security --offline=true \
  --threshold=49 chat-server.service 2>&1) && security_rc=0 || security_rc=$?
exposure=$(grep -o 'Overall exposure level for chat-server.service: [0-9.]* [A-Z]*' \
  <<<"$security_out" || true)
if [ "$security_rc" -eq 0 ] && [ -n "$exposure" ] \
    && grep -q 'IPAddressDeny=.*non-localhost' <<<"$security_out"; then
  pass "systemd-analyze security with the cluster drop-in (its allow list read): $exposure"
else
  printf '%s\n' "$security_out" >&2
  fail "systemd-analyze security with the cluster drop-in: '${exposure:-no rating}', or the drop-in was not read"
fi
# The directives docs/deploy.md promises (the security rating alone would let one go).
for directive in '^Restart=on-failure$' '^EnvironmentFile=/etc/chat/chat.env$' \
    '^StateDirectory=chat$' '^DynamicUser=yes$' '^NoNewPrivileges=yes$' \
    '^ProtectSystem=strict$' '^ProtectHome=yes$' '^PrivateTmp=yes$' '^SystemCallFilter=@' \
    '^SystemCallArchitectures=native$' '^CapabilityBoundingSet=$'; do
  if grep -q "$directive" "$unit"; then
    pass "unit: $directive"
  else
    fail "unit: no line matching $directive"
  fi
done
if grep -q '^MemoryDenyWriteExecute' "$unit"; then
  fail "MemoryDenyWriteExecute breaks the JVM's JIT compiler"
elif grep -q '^ExecStart=.*-XX:MaxRAMPercentage=.*-XX:+ExitOnOutOfMemoryError.*-jar /opt/chat/chat-server.jar' "$unit"; then
  pass "the unit runs the jar with the memory flags"
else
  fail "ExecStart lacks -XX:MaxRAMPercentage / -XX:+ExitOnOutOfMemoryError / the jar"
fi

finish
