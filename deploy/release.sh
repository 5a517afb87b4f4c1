#!/usr/bin/env bash
# Builds the release archive that the EC2 instance installs:
#
#   deploy/release.sh [--no-build] [--out DIR] [--version V]
#
# runs `mvn -B -q package -DskipTests` (skipped with --no-build: the jar must exist), then
# writes DIR/chat-release-VERSION.tar.gz (DIR defaults to dist/) holding
#   chat-release-VERSION/chat-server.jar, web/, deploy/ (install.sh, systemd, nginx,
#   cloud-init, cloudformation), docs/, VERSION, SHA256SUMS (of every other file)
# and DIR/chat-release-VERSION.tar.gz.sha256. The archive's SHA-256, printed last, is the
# ReleaseSha256 parameter of the CloudFormation stack.
#
# Environment: CHAT_BUILD_DIR, the Maven output folder name (default: target), as passed to
# the build with -Dchat.build.dir. SOURCE_DATE_EPOCH fixes the files' dates (default: the
# last commit's), so the same sources give the same archive.
set -euo pipefail
umask 022

root=$(cd "$(dirname "$0")/.." && pwd)
build=1
out="$root/dist"
version=''
build_dir=${CHAT_BUILD_DIR:-target}

die() { printf 'release.sh: %s\n' "$*" >&2; exit 1; }

while [ "$#" -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --version) version=${2:?--version needs a value}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

if [ -z "$version" ]; then
  # The parent pom's own <version> (the first one after its <artifactId>chat-parent).
  version=$(awk '/<artifactId>chat-parent<\/artifactId>/ { found = 1; next }
    found && /<version>/ { gsub(/.*<version>|<\/version>.*/, ""); print; exit }' "$root/pom.xml")
fi
[[ $version =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die "bad version '$version'"

if [ "$build" = 1 ]; then
  (cd "$root" && mvn -B -q package -DskipTests -Dchat.build.dir="$build_dir")
fi
jar="$root/chat-server-app/$build_dir/chat-server.jar"
[ -f "$jar" ] || die "$jar not found (build it, or drop --no-build)"

name="chat-release-$version"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dir="$stage/$name"
mkdir -p "$dir/deploy" "$dir/docs"

cp "$jar" "$dir/chat-server.jar"
cp -R "$root/web" "$dir/web"
# Only what a browser loads: no tests or node tooling that may sit beside the client.
find "$dir/web" \( -name node_modules -o -name test -o -name tests -o -name '*.test.*' \
  -o -name 'package*.json' -o -name '.*' \) -prune -exec rm -rf {} +
cp "$root/deploy/install.sh" "$root/deploy/backup-before-update.sh" \
  "$root/deploy/nginx-capacity.sh" "$dir/deploy/"
cp -R "$root/deploy/systemd" "$root/deploy/nginx" "$root/deploy/cloud-init" \
  "$root/deploy/cloudformation" "$dir/deploy/"
for doc in deploy.md configuration.md protocol.md; do
  if [ -f "$root/docs/$doc" ]; then cp "$root/docs/$doc" "$dir/docs/"; fi
done
printf '%s\n' "$version" > "$dir/VERSION"
chmod -R u=rwX,go=rX "$dir"
chmod 0755 "$dir/deploy/install.sh" "$dir/deploy/backup-before-update.sh" \
  "$dir/deploy/nginx-capacity.sh" \
  "$dir/deploy/cloudformation/sync-user-data.sh"

(cd "$dir" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum) \
  > "$stage/SHA256SUMS"
mv "$stage/SHA256SUMS" "$dir/SHA256SUMS"

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)
fi
mkdir -p "$out"
archive="$out/$name.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -C "$stage" -cf - "$name" | gzip -n -9 > "$archive.tmp"
mv "$archive.tmp" "$archive"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")

printf 'release: %s\n' "$archive"
printf 'sha256:  %s\n' "$(cut -d' ' -f1 "$archive.sha256")"
