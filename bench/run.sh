#!/usr/bin/env bash
# Load benchmark a newcomer runs from a clean checkout: builds release, seeds a 10 k and a
# 1 M-post demo database (kept in $BENCH_DATA between runs), serves each with rate limits off,
# and measures with wrk on 127.0.0.1 (bounded: -t2 -c64 -d${seconds}s) /healthz, the home
# page, a board, a 20-post thread, a deep thread (~200 posts), a search, the 20-post thread for
# a signed-in member and the board for one (rendered for them: no whole-page cache), and replies posted through HTTP
# by a signed-in member (wrk Lua script with the cookie and CSRF token).
# Writes the tables (requests/s, ratio to /healthz, p50, p99, bytes, errors), the server's peak
# RSS, and the 1 M / 10 k comparison into bench/RESULTS.md between the "latest run" markers,
# keeping the history below them. BENCH_NO_WRITE=1 only prints.
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

measure() {  # path [wrk args...] -> "rps p50 p99 errors"
  local path=$1 out
  shift
  out=$(wrk -t2 -c64 -d"${duration}s" --latency "$@" "$base$path")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx/ {print $NF}' <<<"$out")
  echo "$rps $p50 $p99 ${errors:-0}"
}

report=$work/report.md
{
  echo "Machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1048576 )) GiB;"
  echo "$(swift --version 2>/dev/null | head -1 | sed 's/ (.*//'), SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)');"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg). Command: \`bench/run.sh $duration ${sizes[*]}\`."
} >"$report"
declare -A results
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

  # A signed-in member: the session cookie and the thread page's CSRF token.
  jar=$work/jar
  token=$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$token" -d username=demo-0001 -d password=cabildo-demo "$base/login"
  session=$(awk '$6 == "cabildo_session" {print $7}' "$jar")
  token=$(curl -s -b "$jar" "$base/t/$thread20" | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
  sed -e "s/@SESSION@/$session/" -e "s/@TOKEN@/$token/" bench/reply.lua >"$work/reply.lua"

  {
    echo
    echo "### $posts posts"
    echo
    echo "20-post thread: \`/t/$thread20\` ($size20 posts); deep thread: \`/t/$deep\` ($sizedeep posts)."
    echo
    echo "| request | requests/s | ratio to /healthz | p50 | p99 | bytes | errors |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  } >>"$report"
  health=
  for target in "/healthz" "/" "/b/banda-ancha" "/t/$thread20" "/t/$deep" "/search?q=cobertura" "SIGNED /b/banda-ancha" "SIGNED /t/$thread20" "POST /t/$thread20/reply"; do
    case $target in
      POST*) path=${target#POST }; read -r rps p50 p99 errors <<<"$(measure "$path" -s "$work/reply.lua")"; bytes=0 ;;
      SIGNED*) path=${target#SIGNED }; target="$path (signed in)"
               read -r rps p50 p99 errors <<<"$(measure "$path" -H "Cookie: cabildo_session=$session")"
               bytes=$(curl -s -b "$jar" "$base$path" | wc -c) ;;
      *) path=$target; read -r rps p50 p99 errors <<<"$(measure "$path")"; bytes=$(curl -s "$base$path" | wc -c) ;;
    esac
    [ -n "$health" ] || health=$rps
    ratio=$(awk -v a="$rps" -v b="$health" 'BEGIN {printf "%.2f", a / b}')
    label=$(sed -e "s#/t/$thread20/reply#/t/{20-post}/reply#" -e "s#/t/$thread20#/t/{20-post}#" -e "s#/t/$deep#/t/{deep}#" <<<"$target")
    results["$posts|$label"]=$rps
    echo "| \`$label\` | $rps | $ratio | $p50 | $p99 | $bytes | $errors |" >>"$report"
  done
  echo >>"$report"
  echo "Server peak RSS: $(( $(awk '/VmHWM/ {print $2}' /proc/$server/status) / 1024 )) MB." >>"$report"
  kill "$server"; wait "$server" 2>/dev/null || true
  server=
done

if [ ${#sizes[@]} -ge 2 ]; then
  small=${sizes[0]} large=${sizes[-1]}
  {
    echo
    echo "### $large posts against $small (requests/s ratio; the budget is at least 0.67, i.e. within 1.5×)"
    echo
    echo "| request | $small | $large | ratio |"
    echo "| --- | ---: | ---: | ---: |"
    for key in "${!results[@]}"; do
      [[ $key == "$small|"* ]] || continue
      label=${key#*|}
      a=${results["$small|$label"]} b=${results["$large|$label"]:-0}
      echo "| \`$label\` | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b / a}') |"
    done | sort
  } >>"$report"
fi

cat "$report"
[ "${BENCH_NO_WRITE:-}" = 1 ] && exit 0
python3 - "$report" bench/RESULTS.md <<'PY'
import sys, datetime
report, results = open(sys.argv[1]).read().strip(), sys.argv[2]
text = open(results).read()
start, end = "<!-- latest run: written by bench/run.sh -->", "<!-- end of latest run -->"
block = f"{start}\n## Latest run: {datetime.date.today().isoformat()}\n\n{report}\n{end}"
if start in text:
    text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
else:
    head, _, rest = text.partition("\n## ")
    text = head.rstrip() + "\n\n" + block + "\n\n## " + rest
open(results, "w").write(text)
print(f"wrote {results}")
PY
