#!/usr/bin/env bash
# SQL injection gate: Debian's sqlmap, batch mode and bounded, against every form that reaches
# the database, on a release server with a fresh database on 127.0.0.1. Fails on any finding.
# Usage: Tests/E2E/sqlmap-gate.sh   (after Tests/E2E/install.sh and a release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=${CABILDO_BIN:-.build/release/cabildo}
out=.ci/artifacts/sqlmap
rm -rf "$out"; mkdir -p "$out"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
CABILDO_RATE_LIMITS=off "$binary" serve --port "$port" --database "$work/sqlmap.sqlite" >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

# A member with a thread to reply to, made through the forms like anyone else.
jar=$work/jar
token() { grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
t=$(curl -s -c "$jar" -b "$jar" "$base/register" | token)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$t" -d username=escaner \
  -d password=clave-del-escaner-1 -d password_confirmation=clave-del-escaner-1 -d stakeholder=academia "$base/register"
t=$(curl -s -c "$jar" -b "$jar" "$base/b/banda-ancha/new" | token)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$t" --data-urlencode "title=Hilo para el escáner" \
  --data-urlencode "body=Texto inicial" "$base/b/banda-ancha"
session=$(awk '$6 == "cabildo_session" {print $7}' "$jar")
anonymous=$(curl -s -D - -o /dev/null "$base/login" | sed -n 's/^set-cookie: cabildo_anon=\([^;]*\).*/\1/ip' | tr -d '\r')
[ -n "$session" ] && [ -n "$anonymous" ] || { echo "sqlmap gate: could not make a session" >&2; exit 1; }

scan() {
  local name=$1; shift
  echo "sqlmap: $name"
  timeout 150 sqlmap --batch --level 2 --risk 1 --threads 1 --time-sec 2 --flush-session \
    --output-dir "$out/$name" --results-file "$out/results-$name.csv" --disable-coloring "$@" \
    >"$out/$name.log" 2>&1 || { status=$?; [ "$status" = 124 ] && echo "  (stopped by its time bound)"; }
}
scan search -u "$base/search?q=proteccion" -p q
scan login -u "$base/login" --data "csrf_token=x&username=escaner&password=clave-equivocada" \
  --csrf-token csrf_token --csrf-url "$base/login" --cookie "cabildo_anon=$anonymous" -p username,password
scan register -u "$base/register" \
  --data "csrf_token=x&username=nuevo&password=clave-larga-123&password_confirmation=clave-larga-123&stakeholder=academia" \
  --csrf-token csrf_token --csrf-url "$base/register" --cookie "cabildo_anon=$anonymous" -p username,stakeholder
scan reply -u "$base/t/1/reply" --data "csrf_token=x&body=Una+respuesta&parent=1" \
  --csrf-token csrf_token --csrf-url "$base/t/1" --cookie "cabildo_session=$session" -p body,parent
scan thread -u "$base/b/banda-ancha" --data "csrf_token=x&title=Un+hilo+nuevo&body=Texto" \
  --csrf-token csrf_token --csrf-url "$base/b/banda-ancha/new" --cookie "cabildo_session=$session" -p title,body

# sqlmap exits 0 whatever it finds: its logs and result files are the verdict.
found=0
if grep -l "identified the following injection point" "$out"/*.log; then found=1; fi
for results in "$out"/results-*.csv; do
  [ -f "$results" ] && [ "$(grep -cv '^Target URL' "$results")" -gt 0 ] && { echo "findings in $results"; cat "$results"; found=1; }
done
if [ "$found" = 1 ]; then echo "sqlmap gate: FAILED"; exit 1; fi
echo "sqlmap gate: no injection point found in 5 targets"
