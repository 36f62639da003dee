#!/usr/bin/env bash
# Daily backup of the live database, run by cabildo-backup.timer while the server keeps serving.
# Keeps the last 7 daily copies, and a weekly copy (taken on Sundays) for the last 8 weeks.
# Usage: cabildo-backup.sh [DATABASE] [BACKUP_DIR]
set -euo pipefail
umask 077  # the copies hold password hashes and the CSRF key, as the database does
database=${1:-${CABILDO_DATABASE:-/var/lib/cabildo/cabildo.sqlite}}
dir=${2:-/var/lib/cabildo/backups}
binary=${CABILDO_BIN:-/opt/cabildo/cabildo}
mkdir -p "$dir/daily" "$dir/weekly"
today=$(date +%F)
daily="$dir/daily/cabildo-$today.sqlite"
rm -f "$daily"  # a re-run the same day replaces that day's copy
"$binary" backup "$daily" --database "$database"
if [ "$(date +%u)" = 7 ]; then cp "$daily" "$dir/weekly/cabildo-$today.sqlite"; fi
ls -1t "$dir"/daily/cabildo-*.sqlite | tail -n +8 | xargs -r rm --
ls -1t "$dir"/weekly/cabildo-*.sqlite | tail -n +9 | xargs -r rm --
