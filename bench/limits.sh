#!/usr/bin/env bash
# What rate limiting costs a thread page: the same 20-post thread measured with wrk against a
# server with CABILDO_RATE_LIMITS=off, then against one with every limit on but set high enough
# that wrk (one address) is never refused, so the checks run on every request.
# Usage: bench/limits.sh [seconds-per-run]   (after a release build; bench/run.sh makes one)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
port=${BENCH_PORT:-8182}
base=http://127.0.0.1:$port
work=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

measure() {
  rm -f "$work"/bench.sqlite*
  env "$@" .build/release/cabildo serve --port "$port" --database "$work/bench.sqlite" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
  curl -sf "$base/healthz" >/dev/null || { echo "server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
  bench/make-thread.sh "$base" "$work"
  local out
  out=$(wrk -t2 -c64 -d"${duration}s" --latency "$base/t/1")
  kill "$server"; wait "$server" 2>/dev/null || true
  grep -q "Non-2xx" <<<"$out" && { echo "refusals during the run: raise the limits" >&2; exit 1; }
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out")"
}

high=1000000/1
read -r off off_p99 <<<"$(measure CABILDO_RATE_LIMITS=off)"
read -r on on_p99 <<<"$(measure CABILDO_RATE_LIMITS=on CABILDO_RATE_REQUESTS_BURST=$high CABILDO_RATE_REQUESTS=$high \
  CABILDO_RATE_REPLY=$high CABILDO_RATE_REPLY_NEW=$high CABILDO_RATE_THREAD_NEW=$high CABILDO_RATE_DUPLICATE_SECONDS=0)"
echo "| thread page /t/1 | requests/s | p99 |"
echo "| --- | ---: | ---: |"
echo "| limits off | $off | $off_p99 |"
echo "| limits on | $on | $on_p99 |"
awk -v a="$on" -v b="$off" 'BEGIN {printf "on/off: %.3f\n", a / b}'
