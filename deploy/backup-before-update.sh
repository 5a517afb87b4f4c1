#!/usr/bin/env bash
# Before an update restarts the server on a new release: a consistent copy of its SQLite store
# (the jar's `backup` command, safe while the server writes). A release whose migrations change
# the schema leaves a store the release before refuses (it exits 2), so going back to that
# release means restoring this copy (docs/deploy.md, "Updating"). The newest three such copies
# stay. A PostgreSQL store has nothing to do here: RDS snapshots and pg_dump cover it.
#
#   backup-before-update.sh JAR ENV_FILE BACKUP_DIR LABEL
#
# JAR the server jar to run `backup` with (it reads the store, never migrates it); ENV_FILE the
# settings (CHAT_STORE, CHAT_DATA_DIR) as in /etc/chat/chat.env; BACKUP_DIR where the copies go
# (made 0700); LABEL ends each copy's name, before-<UTC time>-<LABEL> (the release installed).
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: $0 JAR ENV_FILE BACKUP_DIR LABEL" >&2
  exit 2
fi
jar=$1 env_file=$2 backups=$3 label=$4

setting() {  # the last NAME= line of the env file, if any
  sed -n "s/^$1=//p" "$env_file" | tail -n 1
}
store=$(setting CHAT_STORE)
data_dir=$(setting CHAT_DATA_DIR)
store=${store:-sqlite}
data_dir=${data_dir:-/var/lib/chat}
if [ "$store" != sqlite ] || [ ! -e "$data_dir/chat.db" ]; then
  echo "no SQLite store at $data_dir: nothing to back up before the update"
  exit 0
fi

install -d -m 0700 "$backups"
target="$backups/before-$(date -u +%Y%m%dT%H%M%SZ)-$label"
java -jar "$jar" backup --data-dir "$data_dir" --to "$target"

# Names sort by time: all but the newest three go.
shopt -s nullglob
copies=("$backups"/before-*)
if [ "${#copies[@]}" -gt 3 ]; then
  for old in "${copies[@]:0:${#copies[@]}-3}"; do
    rm -rf -- "$old"
  done
fi
echo "backed up the store to $target"
