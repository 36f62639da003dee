#!/usr/bin/env bash
# The committee's harvest on a big forum: seeds a demo database (1 M posts by default, ~1 min),
# serves a copy of it, signs in as demo-comite and times with curl:
# - each view right after a reply (the write that makes the kept harvest stale), three rounds;
# - each view again (kept until the next write);
# - each export, first after a reply, then again.
# Prints the server's peak RSS after the views and again after the exports.
# Usage: bench/harvest.sh [POSTS] [DATABASE]   (after a release build; DATABASE is never written)
set -euo pipefail
cd "$(dirname "$0")/.."
posts=${1:-1000000}
database=${2:-/tmp/cabildo-harvest-$posts.sqlite}
port=${BENCH_PORT:-8183}
base=http://127.0.0.1:$port
[ -f "$database" ] || .build/release/cabildo seed --demo --posts "$posts" --database "$database"
work=$(mktemp -d /tmp/cabildo-harvest-bench.XXXXXX)
cp "$database" "$work/forum.sqlite"
CABILDO_RATE_LIMITS=off CABILDO_REQUIRE_2FA=off .build/release/cabildo serve --port "$port" --database "$work/forum.sqlite" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
jar=$work/jar
token() { curl -s -c "$jar" -b "$jar" "$base$1" | grep -o 'name="csrf_token" value="[^"]*"' | sed -n '1{s/.*value="//;s/"$//;p;}'; }
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$(token /login)" -d username=demo-comite -d password=cabildo-demo "$base/login"
thread=$(sqlite3 "$database" "SELECT id FROM threads WHERE listed = 1 ORDER BY id DESC LIMIT 1")
round=0
reply() {
  round=$((round + 1))
  local status
  status=$(curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf_token=$(token "/t/$thread")" \
    --data-urlencode "body=Ronda $round de la medición de la cosecha." "$base/t/$thread/reply")
  [ "$status" = 303 ] || { echo "harvest.sh: the reply answered $status" >&2; exit 1; }
}
timed() { curl -s -b "$jar" -o /dev/null -w "| \`$1\` | $2 | %{http_code} | %{time_total} | %{size_download} |\n" "$base$1"; }
rss() { echo "$(( $(awk '/VmHWM/ {print $2}' "/proc/$server/status") / 1024 ))"; }
echo "| request | when | status | seconds | bytes |"
echo "| --- | --- | --- | ---: | ---: |"
views=(/harvest "/harvest?board=banda-ancha" /harvest/report)
for _ in 1 2 3; do
  reply
  for path in "${views[@]}"; do timed "$path" "after reply $round"; done
done
for path in "${views[@]}"; do timed "$path" "again"; done
views_rss=$(rss)
reply
for path in /harvest.csv /harvest.json /harvest.md; do timed "$path" "after reply $round"; done
for path in /harvest.csv /harvest.json /harvest.md; do timed "$path" "again"; done
echo
echo "server peak RSS: $views_rss MB after the views, $(rss) MB after the exports"
