#!/usr/bin/env bash
# Load benchmark a newcomer runs from a clean checkout: builds release, seeds a 10 k and a
# 1 M-post demo database (kept in $BENCH_DATA between runs), serves each with rate limits off,
# and measures with wrk on 127.0.0.1 (bounded: -t2 -c64 -d${seconds}s) /healthz, the home
# page, a board, a 20-post thread, a deep thread (~200 posts), a search, the board, the 20-post
# thread, the notifications and the settings as a signed-in member sees them (kept for them
# since issue 20), and replies posted through HTTP by a signed-in member to another thread of
# the same size (wrk Lua script with the cookie and CSRF token).
# Each database is measured three ways, the same requests each time:
#   sqlite    one server on the SQLite file (as before issue 19)
#   postgres  one server on PostgreSQL, the database filled by `cabildo copy --to postgres://…`
#             from the same seeded file (same ids, same threads)
#   nginx     two servers on that PostgreSQL database behind nginx, serving
#             Deploy/scale-out/nginx-upstream.conf (rendered for loopback by Tests/E2E/scale_out.py)
# PostgreSQL is a throwaway cluster (Deploy/postgres-test-cluster.sh) restarted with
# Deploy/scale-out/postgresql.conf.d/cabildo.conf and durable commits (the test cluster's fsync=off
# would flatter the replies), deleted at the end.
# Writes the tables (requests/s, ratio to /healthz, p50, p99, bytes, errors), the servers' peak
# RSS, the three setups side by side, and the 1 M / 10 k comparison (SQLite) into
# bench/RESULTS.md between the "latest run" markers, keeping the history below them.
# BENCH_NO_WRITE=1 only prints; BENCH_SETUPS="sqlite postgres nginx" picks setups;
# BENCH_BIN=path measures that binary instead of building one.
#
# On a machine with more cores: here wrk, nginx, both servers and PostgreSQL share 2 cores, so
# "two servers behind nginx" measures what the proxy and the second process cost, not capacity
# added: every request crosses one more process and the machine was already busy. With cores
# to spare (or each server on its own machine), pages kept for visitors never touch the
# database and should grow about linearly with servers until nginx or the network is the limit;
# signed-in pages and replies go to PostgreSQL, which runs each connection's queries in
# parallel on its own cores, so they grow until its CPU or, for replies, its commit flushes (group
# commit batches them) are the limit. SQLite on one machine gains read throughput from more
# cores too, but it has one writer and cannot leave the machine.
# Usage: bench/run.sh [seconds-per-run] [post counts...]     e.g. bench/run.sh 10 10000 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
duration=${1:-10}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 1000000)
read -r -a setups <<<"${BENCH_SETUPS:-sqlite postgres nginx}"
port=${BENCH_PORT:-8181}
data=${BENCH_DATA:-/tmp/cabildo-bench}
mkdir -p "$data"
work=$(mktemp -d)
servers=()
nginx_pid=
pg_dir=

stop_servers() {
  local pid
  [ -z "$nginx_pid" ] || { kill -QUIT "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; }
  nginx_pid=
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${servers[@]}"; do wait "$pid" 2>/dev/null || true; done
  servers=()
}
cleanup() {
  stop_servers
  [ -z "$pg_dir" ] || Deploy/postgres-test-cluster.sh stop "$pg_dir" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${BENCH_BIN:-}" ]; then
  binary=$BENCH_BIN
else
  swift build -c release --product cabildo >/dev/null
  binary=.build/release/cabildo
fi
wants() { [[ " ${setups[*]} " == *" $1 "* ]]; }

# PostgreSQL, once for the whole run: the test cluster, restarted with the shipped settings.
if wants postgres || wants nginx; then
  command -v nginx >/dev/null || ! wants nginx || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
  pg_dir=$(mktemp -d /tmp/cabildo-pg-bench.XXXXXX)
  pg_url=$(Deploy/postgres-test-cluster.sh start "$pg_dir" 2>/dev/null)
  pg_port=${pg_url##*:}
  pg_port=${pg_port%%/*}
  pg_bin=$(python3 -c 'import sys; sys.path.insert(0, "Tests/E2E"); import scale_out; print(scale_out.postgres_binaries())')
  pg_owner=$(cat "$pg_dir/owner")
  as_pg_owner() { if [ "$pg_owner" = "$(id -un)" ]; then "$@"; else runuser -u "$pg_owner" -- "$@"; fi; }
  install -o "$pg_owner" -m 600 Deploy/scale-out/postgresql.conf.d/cabildo.conf "$pg_dir/data/cabildo.conf"
  echo "include 'cabildo.conf'" >>"$pg_dir/data/postgresql.conf"
  as_pg_owner "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 restart -o \
    "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pg_dir" >/dev/null
  pg_version=$(psql "$pg_url" -Atc "SHOW server_version" | cut -d' ' -f1)
fi

# The thread whose size is closest to N posts: "id posts"; with a third argument K, the K-th closest (0: the closest).
thread_near() {
  python3 - "$1" "$2" "${3:-0}" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
row = db.execute("SELECT id, reply_count + 1 FROM threads WHERE listed = 1 ORDER BY abs(reply_count + 1 - ?), id LIMIT 1 OFFSET ?",
                 (int(sys.argv[2]), int(sys.argv[3]))).fetchone()
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

# `cabildo serve` on PORT with DATABASE, in the background; its pid is added to $servers.
serve() {
  CABILDO_RATE_LIMITS=off "$binary" serve --port "$1" --database "$2" >>"$work/server-$1.log" 2>&1 &
  servers+=($!)
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.2; done
  echo "bench: the server on port $1 did not start:" >&2
  tail -20 "$work/server-$1.log" >&2
  exit 1
}

# Every request of the table against $base, rows appended to the report under $title.
run_table() {
  local title=$1 setup=$2 target path rps p50 p99 errors bytes health='' ratio label
  # A signed-in member: the session cookie and the thread page's CSRF token.
  local jar=$work/jar token session
  rm -f "$jar"
  token=$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'name="csrf_token" value="[^"]*"' | sed -n '1{s/.*value="//;s/"$//;p;}')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$token" -d username=demo-0001 -d password=cabildo-demo "$base/login"
  session=$(awk '$6 == "cabildo_session" {print $7}' "$jar")
  token=$(curl -s -b "$jar" "$base/t/$thread20" | grep -o 'name="csrf_token" value="[^"]*"' | sed -n '1{s/.*value="//;s/"$//;p;}')
  sed -e "s/@SESSION@/$session/" -e "s/@TOKEN@/$token/" bench/reply.lua >"$work/reply.lua"

  {
    echo
    echo "### $title"
    echo
    echo "20-post thread: \`/t/$thread20\` ($size20 posts); deep thread: \`/t/$deep\` ($sizedeep posts)."
    echo
    echo "| request | requests/s | ratio to /healthz | p50 | p99 | bytes | errors |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  } >>"$report"
  for target in "/healthz" "/" "/b/banda-ancha" "/t/$thread20" "/t/$deep" "/search?q=cobertura" "SIGNED /b/banda-ancha" "SIGNED /t/$thread20" "SIGNED /notifications" "SIGNED /settings" "POST /t/$written/reply"; do
    case $target in
      POST*) path=${target#POST }; read -r rps p50 p99 errors <<<"$(measure "$path" -s "$work/reply.lua")"; bytes=0 ;;
      SIGNED*) path=${target#SIGNED }; target="$path (signed in)"
               read -r rps p50 p99 errors <<<"$(measure "$path" -H "Cookie: cabildo_session=$session")"
               bytes=$(curl -s -b "$jar" "$base$path" | wc -c) ;;
      *) path=$target; read -r rps p50 p99 errors <<<"$(measure "$path")"; bytes=$(curl -s "$base$path" | wc -c) ;;
    esac
    [ -n "$health" ] || health=$rps
    ratio=$(awk -v a="$rps" -v b="$health" 'BEGIN {printf "%.2f", a / b}')
    label=$(sed -e "s#/t/$written/reply#/t/{another 20-post}/reply#" -e "s#/t/$thread20#/t/{20-post}#" -e "s#/t/$deep#/t/{deep}#" <<<"$target")
    [ -n "${seen[$label]:-}" ] || { seen[$label]=1; labels+=("$label"); }
    results["$posts|$setup|$label"]=$rps
    echo "| \`$label\` | $rps | $ratio | $p50 | $p99 | $bytes | $errors |" >>"$report"
  done
  echo >>"$report"
  local pid rss=()
  for pid in "${servers[@]}"; do rss+=("$(( $(awk '/VmHWM/ {print $2}' "/proc/$pid/status") / 1024 )) MB"); done
  if [ ${#rss[@]} = 1 ]; then
    echo "Server peak RSS: ${rss[0]}." >>"$report"
  else
    local joined
    joined=$(printf '%s, ' "${rss[@]}")
    echo "Servers' peak RSS: ${joined%, } (PostgreSQL's own memory not counted)." >>"$report"
  fi
}

report=$work/report.md
{
  echo "Machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1048576 )) GiB;"
  echo "$(swift --version 2>/dev/null | sed -n '1s/ (.*//p'), SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')${pg_version:+, PostgreSQL $pg_version (Deploy/scale-out settings, durable commits)}$(wants nginx && echo ", nginx $(nginx -v 2>&1 | sed 's#.*/##')");"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg). Command: \`bench/run.sh $duration ${sizes[*]}\`${BENCH_SETUPS:+ (BENCH_SETUPS=\"$BENCH_SETUPS\")}."
} >"$report"
declare -A results seen
labels=()
for posts in "${sizes[@]}"; do
  database=$data/demo-$posts.sqlite
  [ -f "$database" ] || "$binary" seed --demo --posts "$posts" --database "$database" >&2
  copy=$work/bench.sqlite
  rm -f "$copy" "$copy-wal" "$copy-shm"
  cp "$database" "$copy"
  read -r thread20 size20 <<<"$(thread_near "$copy" 20)"
  read -r deep sizedeep <<<"$(thread_near "$copy" 200)"
  # Replies go to another thread of the same size, so the pages measured after them (the next
  # setup serves the same PostgreSQL database) are the same pages.
  read -r written _ <<<"$(thread_near "$copy" 20 1)"

  if wants sqlite; then
    base=http://127.0.0.1:$port
    serve "$port" "$copy"
    run_table "$posts posts" sqlite
    stop_servers
  fi

  if wants postgres || wants nginx; then
    # A database of its own per size, filled from the seeded file as an operator moves up.
    pg_database=bench_$posts
    psql "$pg_url" -qc "CREATE DATABASE $pg_database"
    target=${pg_url%/*}/$pg_database
    source=$work/source.sqlite
    rm -f "$source" "$source-wal" "$source-shm"
    cp "$database" "$source"
    "$binary" migrate --database "$source" >/dev/null
    started=$(date +%s.%N)
    "$binary" copy --database "$source" --to "$target" >"$work/copy.log" 2>&1 \
      || { cat "$work/copy.log" >&2; exit 1; }
    copy_seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
    rm -f "$source" "$source-wal" "$source-shm"
    {
      echo
      echo "PostgreSQL database for $posts posts: \`cabildo copy\` took $copy_seconds s;" \
           "$(psql "$target" -Atc "SELECT pg_size_pretty(pg_database_size(current_database()))") on disk."
    } >>"$report"
    if wants postgres; then
      base=http://127.0.0.1:$port
      serve "$port" "$target"
      run_table "$posts posts, PostgreSQL, one server" postgres
      stop_servers
    fi
    if wants nginx; then
      serve $((port + 1)) "$target"
      serve $((port + 2)) "$target"
      # The shipped connection cap per client address (64) is what wrk alone opens here.
      config=$(python3 Tests/E2E/scale_out.py nginx "$work/nginx" "$port" "127.0.0.1:$((port + 1))" "127.0.0.1:$((port + 2))" --limit-conn 1024)
      nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$config" -g 'daemon off;' &
      nginx_pid=$!
      base=http://127.0.0.1:$port
      for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
      run_table "$posts posts, PostgreSQL, two servers behind nginx" nginx
      stop_servers
    fi
  fi
done

# The setups side by side, per size: requests/s and the ratio of each PostgreSQL setup to SQLite.
if [ ${#setups[@]} -ge 2 ]; then
  for posts in "${sizes[@]}"; do
    {
      echo
      echo "### $posts posts: SQLite, PostgreSQL, two servers behind nginx (requests/s)"
      echo
      echo "| request | SQLite | PostgreSQL | two + nginx | PostgreSQL / SQLite | two + nginx / SQLite |"
      echo "| --- | ---: | ---: | ---: | ---: | ---: |"
      for label in "${labels[@]}"; do
        a=${results["$posts|sqlite|$label"]:-0} b=${results["$posts|postgres|$label"]:-0} c=${results["$posts|nginx|$label"]:-0}
        echo "| \`$label\` | $a | $b | $c | $(awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN {if (a > 0) printf "%.2f | %.2f", b / a, c / a; else printf "- | -"}') |"
      done
    } >>"$report"
  done
fi

if [ ${#sizes[@]} -ge 2 ] && wants sqlite; then
  small=${sizes[0]} large=${sizes[-1]}
  {
    echo
    echo "### $large posts against $small (requests/s ratio; the budget is at least 0.67, i.e. within 1.5×)"
    echo
    echo "| request | $small | $large | ratio |"
    echo "| --- | ---: | ---: | ---: |"
    for key in "${!results[@]}"; do
      [[ $key == "$small|sqlite|"* ]] || continue
      label=${key#*|sqlite|}
      a=${results["$small|sqlite|$label"]} b=${results["$large|sqlite|$label"]:-0}
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
