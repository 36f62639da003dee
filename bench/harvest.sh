#!/usr/bin/env bash
# The committee's harvest on a big forum: seeds a demo database (1 M posts by default, ~1 min),
# serves it, signs in as demo-comite and times each harvest view and export with curl, first
# (computed) and again (cached until the next write). Prints the server's peak RSS.
# Usage: bench/harvest.sh [POSTS] [DATABASE]   (after a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
posts=${1:-1000000}
database=${2:-/tmp/cabildo-harvest-$posts.sqlite}
port=${BENCH_PORT:-8183}
base=http://127.0.0.1:$port
[ -f "$database" ] || .build/release/cabildo seed --demo --posts "$posts" --database "$database"
CABILDO_RATE_LIMITS=off .build/release/cabildo serve --port "$port" --database "$database" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
jar=$(mktemp)
token=$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'name="csrf_token" value="[^"]*"' | sed -n '1{s/.*value="//;s/"$//;p;}')
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$token" -d username=demo-comite -d password=cabildo-demo "$base/login"
echo "| request | status | seconds | bytes |"
echo "| --- | --- | ---: | ---: |"
for path in /harvest /harvest "/harvest?board=banda-ancha" /harvest.csv /harvest.json /harvest.md; do
  curl -s -b "$jar" -o /dev/null -w "| \`$path\` | %{http_code} | %{time_total} | %{size_download} |\n" "$base$path"
done
echo
echo "server peak RSS: $(( $(awk '/VmHWM/ {print $2}' /proc/$server/status) / 1024 )) MB"
