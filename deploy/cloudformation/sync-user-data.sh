#!/usr/bin/env bash
# Copies deploy/cloud-init/user-data.yaml into chat.yaml as the instance's UserData (the block
# after "Fn::Base64: !Sub |", indented ten spaces). With --check, changes nothing and exits 1
# if the template's copy differs from the file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
template="$here/chat.yaml"
user_data="$here/../cloud-init/user-data.yaml"
marker='Fn::Base64: !Sub |'

grep -qF "$marker" "$template" || { echo "sync-user-data: no '$marker' in $template" >&2; exit 1; }

# The embedded copy, un-indented; blank lines kept only between non-blank ones.
embedded() {
  awk -v marker="$marker" '
    !inside { if (index($0, marker) && $0 ~ /\|$/) inside = 1; next }
    /^$/ { pending = pending "\n"; next }
    /^          / { printf "%s", pending; pending = ""; print substr($0, 11); next }
    { exit }
  ' "$template"
}

if [ "${1:-}" = "--check" ]; then
  if ! diff -u "$user_data" <(embedded) >&2; then
    echo "sync-user-data: chat.yaml's UserData differs from cloud-init/user-data.yaml" \
      "(run deploy/cloudformation/sync-user-data.sh)" >&2
    exit 1
  fi
  exit 0
elif [ "$#" -ne 0 ]; then
  echo "usage: $0 [--check]" >&2
  exit 2
fi

tmp=$(mktemp "$template.XXXXXX")
trap 'rm -f "$tmp"' EXIT
awk -v marker="$marker" -v ud="$user_data" '
  state == 0 { print; if (index($0, marker) && $0 ~ /\|$/) {
      while ((getline line < ud) > 0) print (line == "" ? "" : "          " line)
      state = 1 }
    next }
  state == 1 { if ($0 == "" || $0 ~ /^          /) next; print ""; state = 2 }
  { print }
' "$template" > "$tmp"
chmod --reference="$template" "$tmp"
mv "$tmp" "$template"
trap - EXIT
