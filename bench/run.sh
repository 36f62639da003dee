#!/usr/bin/env bash
# Load benchmark a newcomer runs from a clean checkout: builds release, seeds a 10 k and a
# 1 M-post demo database (kept in $BENCH_DATA between runs), serves each with rate limits off,
# and measures with wrk on 127.0.0.1 (bounded: -t2 -c64 -d${SECONDS_PER_RUN}s) /healthz, the
# home page, a board, a 20-post thread, a deep thread (~200 posts), a search, and replies
# posted through HTTP by a signed-in member (wrk Lua script with the cookie and CSRF token).
# Prints Markdown tables (requests/s, p50, p99, bytes per response, ratio to /healthz) and the
# server's peak RSS, ready for bench/RESULTS.md.
# Usage: bench/run.sh [seconds-per-run] [post counts...]     e.g. bench/run.sh 10 10000 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
duration=${1:-10}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 1000000)
port=${BENCH_PORT:-8181}
base=http://127.0.0.1:$port
data=${BENCH_DATA:-/tmp/cabildo-bench}
mkdir -p "$data"
work=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

swift build -c release --product cabildo >/dev/null
binary=.build/release/cabildo

# The thread whose size is closest to N posts: "id posts".
thread_near() {
  python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
row = db.execute("SELECT id, reply_count + 1 FROM threads WHERE listed = 1 ORDER BY abs(reply_count + 1 - ?) LIMIT 1",
                 (int(sys.argv[2]),)).fetchone()
print(row[0], row[1])
PY
}

measure() {  # path [wrk args...] -> "rps p50 p99 bytes"
  local path=$1 out
  shift
  out=$(wrk -t2 -c64 -d"${duration}s" --latency "$@" "$base$path")
  grep -q "Non-2xx" <<<"$out" && echo "warning: $path answered non-2xx responses" >&2
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "$rps $p50 $p99"
}

for posts in "${sizes[@]}"; do
  database=$data/demo-$posts.sqlite
  [ -f "$database" ] || "$binary" seed --demo --posts "$posts" --database "$database" >&2
  copy=$work/bench.sqlite
  cp "$database" "$copy"
  read -r thread20 size20 <<<"$(thread_near "$copy" 20)"
  read -r deep sizedeep <<<"$(thread_near "$copy" 200)"
  CABILDO_RATE_LIMITS=off "$binary" serve --port "$port" --database "$copy" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

  # A signed-in member for the reply benchmark: the cookie and the thread page's CSRF token.
  jar=$work/jar
  token=$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$token" -d username=demo-0001 -d password=cabildo-demo "$base/login"
  session=$(awk '$6 == "cabildo_session" {print $7}' "$jar")
  token=$(curl -s -b "$jar" "$base/t/$thread20" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  sed -e "s/@SESSION@/$session/" -e "s/@TOKEN@/$token/" bench/reply.lua >"$work/reply.lua"

  echo
  echo "### $posts posts (20-post thread: /t/$thread20 has $size20 posts; deep thread: /t/$deep has $sizedeep)"
  echo
  echo "| request | requests/s | ratio to /healthz | p50 | p99 | bytes |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  health=
  for target in "/healthz" "/" "/b/banda-ancha" "/t/$thread20" "/t/$deep" "/search?q=cobertura" "POST /t/$thread20/reply"; do
    if [[ $target == POST* ]]; then
      path=${target#POST }
      read -r rps p50 p99 <<<"$(measure "$path" -s "$work/reply.lua")"
      bytes=0
    else
      path=$target
      read -r rps p50 p99 <<<"$(measure "$path")"
      bytes=$(curl -s "$base$path" | wc -c)
    fi
    [ -n "$health" ] || health=$rps
    ratio=$(awk -v a="$rps" -v b="$health" 'BEGIN {printf "%.2f", a / b}')
    echo "| \`$target\` | $rps | $ratio | $p50 | $p99 | $bytes |"
  done
  echo
  echo "server peak RSS: $(( $(awk '/VmHWM/ {print $2}' /proc/$server/status) / 1024 )) MB"
  kill "$server"; wait "$server" 2>/dev/null || true
done
