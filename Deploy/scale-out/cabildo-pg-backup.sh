#!/usr/bin/env bash
# Nightly backup of the forum's PostgreSQL database, run by cabildo-pg-backup.timer on the
# database machine, as the postgres user, while every Cabildo server keeps serving: pg_dump takes
# one consistent snapshot and blocks no reader or writer.
#
#   cabildo-pg-backup.sh [DATABASE] [BACKUP_DIR] [DAYS]
#
# Writes BACKUP_DIR/cabildo-YYYY-MM-DD.dump (pg_dump's custom format: compressed, restorable
# table by table), checks that pg_restore can read it back, and deletes dumps older than DAYS.
# Defaults: database cabildo, /var/backups/cabildo-pg, 14 days (CABILDO_PG_DATABASE,
# CABILDO_PG_BACKUP_DIR, CABILDO_PG_BACKUP_DAYS). Copy the folder off this machine too (rsync
# from another host): a replica is not a backup, it replays a mistaken DELETE at once.
#
# Restore (the dump holds accounts, password hashes, sessions and the server key):
#   systemctl stop 'cabildo@*'                       # on every Cabildo server
#   sudo -u postgres dropdb cabildo
#   sudo -u postgres createdb --owner=cabildo cabildo
#   sudo -u postgres pg_restore --dbname=cabildo --no-owner --role=cabildo --exit-on-error \
#       /var/backups/cabildo-pg/cabildo-2026-11-28.dump
#   systemctl start cabildo@8081 cabildo@8082        # they migrate it forward if it is older
# Into a scratch database first, to look before replacing anything: createdb --owner=cabildo
# cabildo_check, then the same pg_restore with --dbname=cabildo_check, and psql.
# `unaccent` and the search configuration are in the dump; restoring them needs only the
# postgresql-contrib package on the machine restored to.
set -euo pipefail
umask 077  # the dumps hold password hashes and the server key, as the database does
database=${1:-${CABILDO_PG_DATABASE:-cabildo}}
dir=${2:-${CABILDO_PG_BACKUP_DIR:-/var/backups/cabildo-pg}}
days=${3:-${CABILDO_PG_BACKUP_DAYS:-14}}
[[ $days =~ ^[1-9][0-9]*$ ]] || { echo "cabildo-pg-backup: DAYS must be a whole number above 0, not '$days'" >&2; exit 2; }

mkdir -p "$dir"
dump="$dir/cabildo-$(date +%F).dump"
partial="$dump.partial"
trap 'rm -f "$partial"' EXIT
# Written beside its final name and renamed once complete and readable: an interrupted run
# never leaves a half dump that looks like a backup. A re-run the same day replaces that day's.
pg_dump --format=custom --compress=6 --file="$partial" "$database"
entries=$(pg_restore --list "$partial" | grep -cv '^;')
[ "$entries" -gt 0 ] || { echo "cabildo-pg-backup: $partial lists no objects" >&2; exit 1; }
mv -f "$partial" "$dump"
echo "cabildo-pg-backup: $dump, $(du -h "$dump" | cut -f1), $entries objects"
# Age in whole days since the file was written; only our own dumps are ever deleted.
find "$dir" -maxdepth 1 -name 'cabildo-*.dump' -type f -mtime "+$((days - 1))" -print -delete
