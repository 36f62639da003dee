#!/usr/bin/env bash
# Load benchmark: builds release, starts a server on a fresh database on 127.0.0.1, makes a
# 20-post thread through the web forms, and measures pages with wrk (bounded runs).
# Usage: bench/run.sh [seconds-per-run]   Results are printed as Markdown rows for RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
duration=${1:-10}
port=${BENCH_PORT:-8181}
base=http://127.0.0.1:$port
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

swift build -c release --product cabildo >/dev/null
# Limits off, as the design asks of benchmarks (wrk is one address); bench/limits.sh measures their cost.
CABILDO_RATE_LIMITS=off .build/release/cabildo serve --port "$port" --database "$work/bench.sqlite" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

bench/make-thread.sh "$base" "$work"

posts=$(curl -s "$base/t/1" | grep -c 'class="post"')
size=$(curl -s "$base/t/1" | wc -c)
css=$(curl -s "$base/static/cabildo.css" | wc -c)
echo "thread page: $posts posts, $size bytes of HTML; stylesheet $css bytes"

run() {
  local path=$1 out
  out=$(wrk -t2 -c64 -d"${duration}s" --latency "$base$path")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "$path $rps $p50 $p99"
}
results=()
for path in /healthz /t/1 /b/banda-ancha /; do results+=("$(run "$path")"); done
rss=$(awk '/VmHWM/ {print $2}' /proc/$server/status)

health=$(awk '{print $2}' <<<"${results[0]}")
echo
echo "| path | requests/s | ratio to /healthz | p50 | p99 |"
echo "| --- | ---: | ---: | ---: | ---: |"
for row in "${results[@]}"; do
  read -r path rps p50 p99 <<<"$row"
  ratio=$(awk -v a="$rps" -v b="$health" 'BEGIN {printf "%.2f", a / b}')
  echo "| \`$path\` | $rps | $ratio | $p50 | $p99 |"
done
echo
echo "server peak RSS: $((rss / 1024)) MB"
