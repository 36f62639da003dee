#!/usr/bin/env bash
# Before/after of one change on this noisy machine: serves the same database copy with build A,
# then B, alternating for a few rounds, and prints each run's requests/s for one path with wrk
# (-t2 -c64, bounded) and the median of each. A build is a folder holding `cabildo` and the
# `Templates` and `Public` it goes with (`bench/ab-build.sh COMMIT` makes one). A_ENV and B_ENV
# add settings to one side, e.g. A_ENV=CABILDO_PAGE_CACHE_MB=0 with A and B the same build.
# AB_SIGN_IN=demo-0001 measures the page as that seeded member sees it (password cabildo-demo):
# signed in once through the login form, the session cookie is sent by every request of both sides.
# Usage: bench/ab.sh BUILD_A BUILD_B PATH DATABASE [rounds] [seconds]
set -euo pipefail
a=$1 b=$2 path=$3 database=$4 rounds=${5:-3} seconds=${6:-5}
port=${BENCH_PORT:-8182}
work=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
cp "$database" "$work/db.sqlite"
sign_in() {  # as $AB_SIGN_IN; the session is kept in the database both sides serve
  local jar=$work/jar token
  token=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="csrf_token" value="[^"]*"' | sed -n '1{s/.*value="//;s/"$//;p;}')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$token" -d "username=$AB_SIGN_IN" -d password=cabildo-demo \
    "http://127.0.0.1:$port/login"
  awk '$6 == "cabildo_session" {print $7}' "$jar" >"$work/session"
  [ -s "$work/session" ] || { echo "could not sign in as $AB_SIGN_IN" >&2; exit 1; }
}
run() {  # build-folder "settings"
  ! curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "port $port is taken" >&2; exit 1; }
  (cd "$1" && exec env $2 CABILDO_RATE_LIMITS=off ./cabildo serve --port "$port" --database "$work/db.sqlite" >/dev/null 2>&1) &
  server=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  kill -0 "$server" || { echo "the server in $1 did not start" >&2; exit 1; }
  [ -z "${AB_SIGN_IN:-}" ] || [ -s "$work/session" ] || sign_in
  local cookie=()
  [ ! -s "$work/session" ] || cookie=(-H "Cookie: cabildo_session=$(cat "$work/session")")
  wrk -t2 -c64 -d2s "${cookie[@]}" "http://127.0.0.1:$port$path" >/dev/null
  wrk -t2 -c64 -d"${seconds}s" "${cookie[@]}" "http://127.0.0.1:$port$path" | awk '/Requests\/sec/ {print $2}'
  kill "$server"; wait "$server" 2>/dev/null || true
  server=
}
declare -a ra rb
for _ in $(seq "$rounds"); do
  ra+=("$(run "$a" "${A_ENV:-}")")
  rb+=("$(run "$b" "${B_ENV:-}")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
ma=$(median "${ra[@]}") mb=$(median "${rb[@]}")
echo "$path  A: ${ra[*]} (median $ma)  B: ${rb[*]} (median $mb)  B/A: $(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.2f", b / a}')"
