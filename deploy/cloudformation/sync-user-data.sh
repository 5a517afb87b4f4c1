#!/usr/bin/env bash
# Copies each cloud-init user-data file into its template as the UserData (the block after
# "Fn::Base64: !Sub |", indented two spaces more than that line):
#   chat.yaml          <- deploy/cloud-init/user-data.yaml          (one instance)
#   chat-cluster.yaml  <- deploy/cloud-init/user-data-cluster.yaml  (the nodes' launch template)
# With --check, changes nothing and exits 1 if a template's copy differs from its file.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
marker='Fn::Base64: !Sub |'
pairs=("chat.yaml user-data.yaml" "chat-cluster.yaml user-data-cluster.yaml")

# The embedded copy in $1, un-indented; blank lines kept only between non-blank ones.
embedded() {
  awk -v marker="$marker" '
    !inside { if (index($0, marker) && $0 ~ /\|$/) {
        inside = 1; match($0, /^ */); indent = sprintf("%*s", RLENGTH + 2, "") }
      next }
    /^$/ { pending = pending "\n"; next }
    index($0, indent) == 1 { printf "%s", pending; pending = ""
      print substr($0, length(indent) + 1); next }
    { exit }
  ' "$1"
}

# The template $1 with the block replaced by the file $2.
replaced() {
  awk -v marker="$marker" -v ud="$2" '
    state == 0 { print; if (index($0, marker) && $0 ~ /\|$/) {
        match($0, /^ */); indent = sprintf("%*s", RLENGTH + 2, "")
        while ((getline line < ud) > 0) print (line == "" ? "" : indent line)
        state = 1 }
      next }
    state == 1 { if ($0 == "" || index($0, indent) == 1) next; print ""; state = 2 }
    { print }
  ' "$1"
}

check=0
if [ "${1:-}" = "--check" ]; then
  check=1
elif [ "$#" -ne 0 ]; then
  echo "usage: $0 [--check]" >&2
  exit 2
fi

status=0
for pair in "${pairs[@]}"; do
  read -r name data <<<"$pair"
  template="$here/$name"
  user_data="$here/../cloud-init/$data"
  grep -qF "$marker" "$template" || { echo "sync-user-data: no '$marker' in $template" >&2; exit 1; }
  if [ "$check" = 1 ]; then
    if ! diff -u "$user_data" <(embedded "$template") >&2; then
      echo "sync-user-data: $name's UserData differs from cloud-init/$data" \
        "(run deploy/cloudformation/sync-user-data.sh)" >&2
      status=1
    fi
    continue
  fi
  tmp=$(mktemp "$template.XXXXXX")
  trap 'rm -f "$tmp"' EXIT
  replaced "$template" "$user_data" > "$tmp"
  chmod --reference="$template" "$tmp"
  mv "$tmp" "$template"
  trap - EXIT
done
exit "$status"
