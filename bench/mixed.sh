#!/usr/bin/env bash
# Visitors reading while members write (issue 21): wrk (-t2 -c64, 127.0.0.1, bounded) reads
# random threads (MIXED_THREADS of them, default 500), boards, the home page and a search
# (bench/mixed.lua) on a 100 k-post forum
# while one member posts replies to random threads at a steady rate (bench/mixed-writer.py),
# for each rate given. Rate limits off, as in bench/run.sh. Prints, per rate: reads/s, their
# ratio to the run without writes, p50 and p99, the replies accepted, and the kept-page hit
# ratio for visitors (`cabildo_page_cache_total` in /metrics).
# Usage: bench/mixed.sh [seconds per rate] [writes per second...]   (default: 30 s; 0 1 5 20)
# After a release build; BENCH_DATA holds the seeded forum between runs (seeded if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(0 1 5 20)
binary=${BENCH_BIN:-.build/release/cabildo}
data=${BENCH_DATA:-/tmp/cabildo-bench}
posts=${MIXED_POSTS:-100000}
# Threads read: the busy ones of a live consultation. 500 pages fit the default page cache
# (CABILDO_PAGE_CACHE_MB=8); with more, part of the misses are evictions, not writes.
sample=${MIXED_THREADS:-500}
port=${BENCH_PORT:-8185}
base=http://127.0.0.1:$port
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -x "$binary" ] || { echo "mixed: no $binary; run swift build -c release --product cabildo first" >&2; exit 1; }
mkdir -p "$data"
source_db=$data/demo-$posts.sqlite
[ -f "$source_db" ] || "$binary" seed --demo --posts "$posts" --database "$source_db" >&2
work=$(mktemp -d)
server=
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT

python3 - "$source_db" "$work" "$sample" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
threads = [r[0] for r in db.execute("SELECT id FROM threads WHERE listed = 1 AND locked = 0 ORDER BY random() LIMIT ?", (int(sys.argv[3]),))]
boards = [r[0] for r in db.execute("SELECT slug FROM boards WHERE archived = 0")]
with open(f"{sys.argv[2]}/data.lua", "w") as out:
    out.write("THREADS = {" + ",".join(map(str, threads)) + "}\n")
    out.write("BOARDS = {" + ",".join(f'"{b}"' for b in boards) + "}\n")
with open(f"{sys.argv[2]}/threads", "w") as out:
    out.write("\n".join(map(str, threads)) + "\n")
PY

counter() {  # viewer result -> count
  curl -s "$base/metrics" | awk -v key="cabildo_page_cache_total{viewer=\"$1\",result=\"$2\"}" '$1 == key {print $2}' | sed 's/\..*//;s/^$/0/'
}

echo "Mixed load: $posts posts, ${seconds} s per rate, $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg). Command: \`bench/mixed.sh $seconds ${rates[*]}\`."
echo
echo "| writes/s asked | replies accepted | reads/s | ratio to no writes | p50 | p99 | kept-page hit ratio |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
baseline=
for rate in "${rates[@]}"; do
  rm -f "$work/db.sqlite" "$work/db.sqlite-wal" "$work/db.sqlite-shm"
  cp "$source_db" "$work/db.sqlite"
  CABILDO_RATE_LIMITS=off "$binary" serve --port "$port" --database "$work/db.sqlite" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 150); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
  jar=$work/jar
  rm -f "$jar"
  token=$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'name="csrf_token" value="[^"]*"' | sed -n '1{s/.*value="//;s/"$//;p;}')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$token" -d username=demo-0001 -d password=cabildo-demo "$base/login"
  session=$(awk '$6 == "cabildo_session" {print $7}' "$jar")
  token=$(curl -s -b "$jar" "$base/settings" | grep -o 'name="csrf_token" value="[^"]*"' | sed -n '1{s/.*value="//;s/"$//;p;}')
  # Warm: every sampled page read once, as a live forum's readers have.
  MIXED_DATA=$work/data.lua wrk -t2 -c16 -d3s -s bench/mixed.lua "$base/" >/dev/null
  kept=$(counter visitor kept) rendered=$(counter visitor rendered)
  python3 bench/mixed-writer.py "$port" "$session" "$token" "$rate" "$seconds" "$work/threads" >"$work/writes" &
  writer=$!
  out=$(MIXED_DATA=$work/data.lua wrk -t2 -c64 -d"${seconds}s" --latency -s bench/mixed.lua "$base/")
  wait $writer
  kept=$(( $(counter visitor kept) - kept )) rendered=$(( $(counter visitor rendered) - rendered ))
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out") p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  [ -n "$baseline" ] || baseline=$rps
  read -r accepted _ <"$work/writes"
  echo "| $rate | $accepted | $rps | $(awk -v a="$rps" -v b="$baseline" 'BEGIN {printf "%.2f", a / b}') | $p50 | $p99 |" \
       "$(awk -v k="$kept" -v r="$rendered" 'BEGIN {printf "%.2f", (k + r) ? k / (k + r) : 0}') |"
  kill $server; wait $server 2>/dev/null || true; server=
done
