#!/usr/bin/env bash
# A page's first seconds, before and after one change: a fresh server on a copy of DATABASE (no
# page kept yet), then wrk -t2 -c64 -d5s (127.0.0.1, bounded) on a page nobody has seen, so all 64
# connections ask for it at once; builds A and B alternate for a few rounds. Prints requests/s,
# p50, p99, the slowest request, and how many times the page was rendered
# (`cabildo_page_cache_total{viewer="visitor",result="rendered"}`). A build is a folder holding
# `cabildo` (`bench/ab-build.sh COMMIT` makes one, with the Templates and Public it goes with).
# Usage: bench/cold.sh BUILD_A BUILD_B DATABASE [rounds] [paths...]   (default: 3 rounds; / and /b/banda-ancha)
set -euo pipefail
a=$1 b=$2 database=$3 rounds=${4:-3}
shift 3
shift || true
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(/ /b/banda-ancha)
port=${BENCH_PORT:-8193}
work=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
echo "| round | build | page | requests/s | p50 | p99 | slowest | renders |"
echo "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |"
for round in $(seq "$rounds"); do
  for build in "$a" "$b"; do
    for path in "${paths[@]}"; do
      rm -f "$work"/db.sqlite*
      cp "$database" "$work/db.sqlite"
      ! curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "port $port is taken" >&2; exit 1; }
      (cd "$build" && exec env CABILDO_RATE_LIMITS=off ./cabildo serve --port "$port" --database "$work/db.sqlite" >/dev/null 2>&1) &
      server=$!
      for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
      kill -0 "$server" || { echo "the server in $build did not start" >&2; exit 1; }
      out=$(wrk -t2 -c64 -d5s --latency "http://127.0.0.1:$port$path")
      renders=$(curl -s "http://127.0.0.1:$port/metrics" | awk '$1 == "cabildo_page_cache_total{viewer=\"visitor\",result=\"rendered\"}" {print $2}')
      echo "| $round | $(basename "$build") | \`$path\` | $(awk '/Requests\/sec/ {print $2}' <<<"$out") | $(awk '$1 == "50%" {print $2}' <<<"$out") |" \
           "$(awk '$1 == "99%" {print $2}' <<<"$out") | $(awk '/Latency/ {print $4}' <<<"$out") | ${renders:-0} |"
      kill "$server"
      wait "$server" 2>/dev/null || true
      server=
    done
  done
done
