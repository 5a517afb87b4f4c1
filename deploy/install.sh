#!/usr/bin/env bash
# Installs or updates the chat server from an unpacked release archive (deploy/release.sh).
# Run as root on a Debian 12 host with openjdk-17-jre-headless, nginx and certbot installed
# (the cloud-init user-data does all of this on EC2):
#
#   sudo ./deploy/install.sh --domain chat.example.org [--email you@example.org]
#
# It puts the jar and the web client in /opt/chat, the unit in /etc/systemd/system, the nginx
# site in /etc/nginx/sites-available (enabled, Debian's default site disabled), writes
# /etc/chat/chat.env once (later runs keep your edits), obtains a Let's Encrypt certificate if
# there is none yet (certbot certonly --webroot; renewals run from certbot.timer), then
# (re)starts the server and reloads nginx and checks https://DOMAIN/healthz. Running it again
# with a newer release is the update.
#
# Options:
#   --domain NAME       the site's DNS name (required)
#   --email ADDRESS     for Let's Encrypt expiry notices (default: register without e-mail)
#   --dns-wait SECONDS  how long to wait for DNS to point at this EC2 instance before asking
#                       for a certificate (default 1800; 0 skips the check)
#   --staging           use Let's Encrypt's staging CA (for trying things out)
#   --prefix DIR        install the files under DIR instead of / and start nothing (tests)
#   --no-start          install the files only: no systemctl, nginx reload or certbot
set -euo pipefail
umask 022

release=$(cd "$(dirname "$0")/.." && pwd)
domain=''
email=''
dns_wait=1800
staging=0
prefix=''
start=1

die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
log() { printf 'install.sh: %s\n' "$*" >&2; }

while [ "$#" -gt 0 ]; do
  case "$1" in
    --domain) domain=${2:?--domain needs a value}; shift 2 ;;
    --email) email=${2:?--email needs a value}; shift 2 ;;
    --dns-wait) dns_wait=${2:?--dns-wait needs a value}; shift 2 ;;
    --staging) staging=1; shift ;;
    --prefix) prefix=${2:?--prefix needs a value}; start=0; shift 2 ;;
    --no-start) start=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

domain=$(printf '%s' "$domain" | tr '[:upper:]' '[:lower:]')
[[ $domain =~ ^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$ ]] \
  || die "--domain must be a DNS name such as chat.example.org, not '$domain'"
[[ -z $email || $email =~ ^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$ ]] \
  || die "--email '$email' is not an e-mail address"
[[ $dns_wait =~ ^[0-9]+$ ]] || die "--dns-wait must be a number of seconds"
for f in chat-server.jar web/index.html deploy/systemd/chat-server.service \
    deploy/systemd/chat.env deploy/nginx/chat.conf deploy/nginx/chat-acme.conf; do
  [ -e "$release/$f" ] || die "$release/$f is missing: run this from an unpacked release"
done
if [ "$start" = 1 ] && [ "$(id -u)" != 0 ]; then
  die "run as root (sudo), or use --prefix DIR / --no-start"
fi

# The templates say chat.example.org; the site gets its own name.
render() {
  sed "s/chat\.example\.org/$domain/g" "$1"
}

opt="$prefix/opt/chat"
etc="$prefix/etc"
install -d -m 0755 "$opt" "$opt/docs" "$etc/chat" "$etc/systemd/system" \
  "$etc/nginx/sites-available" "$etc/nginx/sites-enabled" "$prefix/var/www/acme"

# The jar and the web client: new copies first, then a rename, so nothing is half-written.
install -m 0644 "$release/chat-server.jar" "$opt/chat-server.jar.new"
mv -f "$opt/chat-server.jar.new" "$opt/chat-server.jar"
rm -rf "$opt/web.new" "$opt/web.old"
cp -R "$release/web" "$opt/web.new"
chmod -R u=rwX,go=rX "$opt/web.new"
if [ -d "$opt/web" ]; then mv "$opt/web" "$opt/web.old"; fi
mv "$opt/web.new" "$opt/web"
rm -rf "$opt/web.old"
if [ -d "$release/docs" ]; then
  cp -R "$release/docs/." "$opt/docs/"
fi
if [ -f "$release/VERSION" ]; then
  install -m 0644 "$release/VERSION" "$opt/VERSION"
fi

install -m 0644 "$release/deploy/systemd/chat-server.service" \
  "$etc/systemd/system/chat-server.service"
if [ -e "$etc/chat/chat.env" ]; then
  log "keeping $etc/chat/chat.env (the release's example: deploy/systemd/chat.env)"
else
  render "$release/deploy/systemd/chat.env" > "$etc/chat/chat.env.new"
  chmod 0600 "$etc/chat/chat.env.new"
  mv "$etc/chat/chat.env.new" "$etc/chat/chat.env"
fi

# The site follows chat.env (kept across updates): the server's two ports and its largest
# upload, so an update never points nginx back at the template's defaults.
setting() {  # the last NAME= line of chat.env, if it is a whole number
  sed -n "s/^$1=//p" "$etc/chat/chat.env" | tail -n 1 | grep -E '^[0-9]+$' || true
}
http_port=$(setting CHAT_HTTP_PORT)
ws_port=$(setting CHAT_PORT)
upload_bytes=$(setting CHAT_MAX_UPLOAD_BYTES)
upload_mib=$(( (${upload_bytes:-10485760} + 1048575) / 1048576 ))
render "$release/deploy/nginx/chat.conf" \
  | sed -e "s/server 127\.0\.0\.1:8080;/server 127.0.0.1:${http_port:-8080};/" \
    -e "s/server 127\.0\.0\.1:8081;/server 127.0.0.1:${ws_port:-8081};/" \
    -e "s/client_max_body_size 10m;/client_max_body_size ${upload_mib}m;/" \
  > "$etc/nginx/sites-available/chat.conf"
render "$release/deploy/nginx/chat-acme.conf" > "$etc/nginx/sites-available/chat-acme.conf"

if [ "$start" = 0 ]; then
  log "files installed under ${prefix:-/}; nothing started"
  exit 0
fi

# --- From here on: a real host (root, systemd, nginx, certbot). ---

# nginx sized for the server's connections (Debian's 768 per worker would cap it near 700
# clients), with the file limit that needs.
"$release/deploy/nginx-capacity.sh" /etc/nginx/nginx.conf
install -d -m 0755 /etc/systemd/system/nginx.service.d
printf '[Service]\nLimitNOFILE=65536\n' > /etc/systemd/system/nginx.service.d/chat-capacity.conf
systemctl daemon-reload

enable_site() {  # enable_site NAME: the only site nginx serves
  rm -f /etc/nginx/sites-enabled/default /etc/nginx/sites-enabled/chat.conf \
    /etc/nginx/sites-enabled/chat-acme.conf
  ln -s "/etc/nginx/sites-available/$1" "/etc/nginx/sites-enabled/$1"
  nginx -t -q
  systemctl enable --quiet nginx
  systemctl reload-or-restart nginx
}

imds() {  # imds PATH: an EC2 instance metadata value (IMDSv2), or nothing off EC2
  local token
  token=$(curl -fsS -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
    http://169.254.169.254/latest/api/token 2>/dev/null) || return 0
  curl -fsS -m 2 -H "X-aws-ec2-metadata-token: $token" \
    "http://169.254.169.254/latest/meta-data/$1" 2>/dev/null || true
}

# Let's Encrypt allows only a few failed validations per hour, so ask only once the domain
# resolves to this instance's public address (the Elastic IP, once it is associated).
wait_for_dns() {
  local deadline ip resolved
  deadline=$((SECONDS + dns_wait))
  while :; do
    ip=$(imds public-ipv4)
    if [ -z "$ip" ]; then
      log "not on EC2 (no instance metadata): not checking DNS"
      return 0
    fi
    resolved=$(getent ahostsv4 "$domain" | awk 'NR == 1 { print $1 }') || true
    if [ "$resolved" = "$ip" ]; then
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      die "$domain resolves to '${resolved:-nothing}', not to this instance ($ip). Point its" \
        "A record at $ip, then run again: sudo $release/deploy/install.sh --domain $domain"
    fi
    log "waiting for $domain to resolve to $ip (now: ${resolved:-nothing})"
    sleep 20
  done
}

# An update: the store as it was, before the new release can migrate it (a no-op on a first
# install, or with PostgreSQL). Going back to the release before means restoring this copy.
"$release/deploy/backup-before-update.sh" /opt/chat/chat-server.jar /etc/chat/chat.env \
  /var/backups/chat "$(cat /opt/chat/VERSION 2>/dev/null || echo update)" \
  || die "could not back up the store before the update; the server was not restarted"

systemctl daemon-reload
systemctl enable --quiet chat-server
systemctl restart chat-server

cert="/etc/letsencrypt/live/$domain/fullchain.pem"
if [ ! -e "$cert" ]; then
  enable_site chat-acme.conf
  if [ "$dns_wait" -gt 0 ]; then
    wait_for_dns
  fi
  set -- certonly --webroot -w /var/www/acme -d "$domain" --non-interactive --agree-tos \
    --keep-until-expiring --deploy-hook 'systemctl reload nginx'
  if [ -n "$email" ]; then
    set -- "$@" -m "$email"
  else
    set -- "$@" --register-unsafely-without-email
  fi
  if [ "$staging" = 1 ]; then
    set -- "$@" --test-cert
  fi
  certbot "$@" || die "certbot could not get a certificate for $domain (see" \
    "/var/log/letsencrypt/letsencrypt.log); fix DNS or port 80, then run this again"
fi
enable_site chat.conf

# The whole path: nginx, TLS, the proxy and the server.
http_port=$(sed -n 's/^CHAT_HTTP_PORT=//p' /etc/chat/chat.env | tail -n 1)
for _ in $(seq 60); do
  if curl -fsS -o /dev/null "http://127.0.0.1:${http_port:-8080}/healthz"; then
    break
  fi
  sleep 1
done
insecure=''
if [ "$staging" = 1 ]; then insecure=--insecure; fi  # the staging CA is not trusted
curl -fsS $insecure --resolve "$domain:443:127.0.0.1" "https://$domain/healthz" >/dev/null \
  || die "https://$domain/healthz does not answer: see journalctl -u chat-server -u nginx"
log "chat server $(cat /opt/chat/VERSION 2>/dev/null || echo '') is up at https://$domain/"
