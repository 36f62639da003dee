#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (PostgresStore's contract tests) and CI.
#
#   Deploy/postgres-test-cluster.sh start [DIR]   prints postgres://USER:PASS@127.0.0.1:PORT/DB
#   Deploy/postgres-test-cluster.sh stop DIR      stops the cluster and deletes DIR
#
# Without DIR, start makes a fresh temporary one and names it on standard error. The cluster
# listens on 127.0.0.1 only, on a free port, with fsync off: it is for tests, and a crash loses
# nothing worth keeping. Its files belong to a non-root user (PostgreSQL refuses to run as root):
# `postgres` when we are root and it exists, else `nobody`; when we are not root, ourselves.
# The role it creates may create databases, so each test can have an empty one of its own.
# As root, with no PostgreSQL installed, it installs Debian's `postgresql` and `postgresql-contrib`
# (the latter for `unaccent`, which search needs).
set -euo pipefail

die() { echo "postgres-test-cluster: $*" >&2; exit 1; }

# The directory of initdb, pg_ctl and psql: on PATH, or where Debian puts them (not on PATH).
find_bin() {
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return
  fi
  local dir
  for dir in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
  return 1
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$owner" = "$(id -un)" ]; then "$@"; else runuser -u "$owner" -- "$@"; fi
}

start() {
  local bin
  if ! bin=$(find_bin); then
    [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed (initdb not found); as root this script installs it"
    echo "postgres-test-cluster: installing postgresql and postgresql-contrib" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null; } \
      || die "apt-get could not install postgresql"
    bin=$(find_bin) || die "initdb still not found after installing postgresql"
  fi
  # Debian keeps unaccent in postgresql-contrib for some versions: check for it, not the package.
  local share
  share=$("$bin/pg_config" --sharedir 2>/dev/null || echo "/usr/share/postgresql/$(basename "$(dirname "$bin")")")
  if [ ! -e "$share/extension/unaccent.control" ] && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-contrib >/dev/null || die "could not install postgresql-contrib"
  fi

  local dir=${1:-}
  if [ -z "$dir" ]; then
    dir=$(mktemp -d /tmp/cabildo-pg.XXXXXX)
    echo "postgres-test-cluster: cluster in $dir; stop it with: $0 stop $dir" >&2
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
    chown "$owner" "$dir"
  else
    owner=$(id -un)
  fi
  chmod 700 "$dir"
  echo "$owner" > "$dir/owner"

  local port password
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  # Local connections (a socket in DIR, which only the owner can enter) are trusted; TCP needs the password.
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off \
     -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null \
    || { cat "$dir/server.log" >&2; die "the server did not start"; }
  as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >/dev/null <<SQL \
    || die "could not create the role and database"
CREATE ROLE cabildo_test LOGIN CREATEDB PASSWORD '$password';
-- A test's DROP DATABASE ... WITH (FORCE) ends the autovacuum worker that may be in its
-- database; without this it is refused ("must be a member of the role whose process...").
GRANT pg_signal_backend TO cabildo_test;
CREATE DATABASE cabildo_test OWNER cabildo_test;
SQL
  echo "postgres://cabildo_test:$password@127.0.0.1:$port/cabildo_test"
}

stop() {
  local dir=${1:-}
  [ -n "$dir" ] && [ -d "$dir" ] || die "usage: $0 stop DIR (the directory start used)"
  local bin
  bin=$(find_bin) || die "pg_ctl not found"
  owner=$(cat "$dir/owner" 2>/dev/null || id -un)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: $0 start [DIR] | stop DIR" ;;
esac
