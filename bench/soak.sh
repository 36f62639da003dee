#!/usr/bin/env bash
# A soak: a consultation's mixed traffic at saturation for MINUTES (default 10) on a 1 M-post
# forum, with every rate limit at its default. wrk (-t2 -c64, 127.0.0.1 only, one bounded run per
# minute, back to back) plays bench/soak.lua: 80 % visitors reading, 15 % signed-in members
# reading, 5 % members replying, each request from one of ~16 M client addresses in
# X-Forwarded-For (CABILDO_TRUSTED_PROXIES=127.0.0.1, as behind a proxy).
# Prints one row per minute: requests/s, p50, p99, answers by class (303 are replies accepted,
# 429 refusals by the limits), 5xx, socket errors, the server's RSS, and the database's and its
# WAL's sizes; then a verdict: zero 5xx, RSS of the last minute within 10 % of the first, WAL
# bounded. Pass the output to bench/RESULTS.md by hand.
# Usage: bench/soak.sh [minutes] [members signed in]   (after a release build; SOAK_DATABASE=file
# serves a copy of that seeded forum, default /tmp/cabildo-bench/demo-1000000.sqlite, seeded if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
members=${2:-100}
binary=${SOAK_BIN:-.build/release/cabildo}
source_db=${SOAK_DATABASE:-/tmp/cabildo-bench/demo-1000000.sqlite}
port=${BENCH_PORT:-8184}
base=http://127.0.0.1:$port
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -x "$binary" ] || { echo "soak: no $binary; run swift build -c release --product cabildo first" >&2; exit 1; }
if [ ! -f "$source_db" ]; then
  mkdir -p "$(dirname "$source_db")"
  "$binary" seed --demo --posts 1000000 --database "$source_db" >&2
fi
work=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
database=$work/soak.sqlite
cp "$source_db" "$database"

CABILDO_TRUSTED_PROXIES=127.0.0.1 "$binary" serve --port "$port" --database "$database" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "$base/healthz" >/dev/null || { echo "soak: the server did not start" >&2; tail "$work/server.log" >&2; exit 1; }

# Members signed in through the form, each from an address of its own (the sign-in limits hold).
sign_in() {  # n -> "session token"
  local n=$1 jar=$work/jar-$1 address token session
  address="192.168.$((n / 250)).$((n % 250 + 1))"
  token=$(curl -s -c "$jar" -b "$jar" -H "X-Forwarded-For: $address" "$base/login" \
    | grep -o 'name="csrf_token" value="[^"]*"' | sed -n '1{s/.*value="//;s/"$//;p;}')
  curl -s -c "$jar" -b "$jar" -o /dev/null -H "X-Forwarded-For: $address" --data-urlencode "csrf_token=$token" \
    -d "username=$(printf 'demo-%04d' "$n")" -d password=cabildo-demo "$base/login"
  session=$(awk '$6 == "cabildo_session" {print $7}' "$jar")
  [ -n "$session" ] || { echo "soak: demo-$n could not sign in" >&2; return 1; }
  token=$(curl -s -b "$jar" -H "X-Forwarded-For: $address" "$base/settings" \
    | grep -o 'name="csrf_token" value="[^"]*"' | sed -n '1{s/.*value="//;s/"$//;p;}')
  echo "$session $token"
}
export -f sign_in
export work base
seq 1 "$members" | xargs -P 4 -I{} bash -c 'sign_in {}' >"$work/members" || { echo "soak: sign-in failed" >&2; exit 1; }

python3 - "$database" "$work/members" >"$work/soak-data.lua" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
threads = [r[0] for r in db.execute("SELECT id FROM threads WHERE listed = 1 AND locked = 0 ORDER BY random() LIMIT 5000")]
boards = [r[0] for r in db.execute("SELECT slug FROM boards WHERE archived = 0")]
members = [line.split() for line in open(sys.argv[2]) if line.strip()]
print("THREADS = {" + ",".join(map(str, threads)) + "}")
print("BOARDS = {" + ",".join(f'"{b}"' for b in boards) + "}")
print("MEMBERS = {" + ",".join(f'{{"{s}","{t}"}}' for s, t in members) + "}")
print('WORDS = {"cobertura","internet","datos","acceso","privacidad","escuela","municipio","red"}')
PY

size_mb() { [ -f "$1" ] && echo $(( $(stat -c %s "$1") / 1048576 )) || echo 0; }
rss_mb() { echo $(( $(awk '/VmRSS/ {print $2}' "/proc/$server/status") / 1024 )); }

echo "Soak: $minutes min, $members members signed in, $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Forum: $(basename "$source_db") ($(size_mb "$database") MB). Command: \`bench/soak.sh $minutes $members\`."
echo
echo "| minute | requests/s | p50 ms | p99 ms | 2xx | 303 (replies) | 429 | other 4xx | 5xx | socket errors | RSS MB | database MB | WAL MB |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
total5=0 first_rss= last_rss= max_wal=0
for minute in $(seq 1 "$minutes"); do
  out=$(SOAK_DATA=$work/soak-data.lua wrk -t2 -c64 -d60s --timeout 10s -s bench/soak.lua "$base/")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  read -r _ c2 c3 c429 c4 c5 errors p50 p99 <<<"$(grep '^soak-counts' <<<"$out")"
  rss=$(rss_mb) wal=$(size_mb "$database-wal")
  [ -n "$first_rss" ] || first_rss=$rss
  last_rss=$rss total5=$((total5 + c5))
  [ "$wal" -le "$max_wal" ] || max_wal=$wal
  echo "| $minute | $rps | $p50 | $p99 | $c2 | $c3 | $c429 | $c4 | $c5 | $errors | $rss | $(size_mb "$database") | $wal |"
done
echo
verdict=pass
[ "$total5" = 0 ] || verdict=fail
awk -v a="$first_rss" -v b="$last_rss" 'BEGIN {exit !(b <= a * 1.1 && b >= a * 0.9)}' || verdict=fail
echo "5xx: $total5; RSS first minute $first_rss MB, last $last_rss MB; largest WAL $max_wal MB;" \
     "server log: $(grep -c '"level":"error"\|error' "$work/server.log" || true) error lines. Verdict: $verdict."
[ "$verdict" = pass ]
