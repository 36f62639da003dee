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
# Two-factor off for staff, so the staff forms below reach their handlers (it has its own scans).
# E-mail on, towards a loopback port where nothing listens: the e-mail forms reach the outbox and
# every mail waits for a retry.
CABILDO_SMTP_URL="smtp://127.0.0.1:9?tls=off" CABILDO_MAIL_FROM=foro@cabildo.test CABILDO_BASE_URL="$base" \
CABILDO_RATE_LIMITS=off CABILDO_REQUIRE_2FA=off "$binary" serve --port "$port" --database "$work/sqlmap.sqlite" >"$out/server.log" 2>&1 &
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
# A second member to flag the first one's post, and an admin (made with the CLI, as operators do).
member_session() {
  local jar=$work/jar-$1
  local t; t=$(curl -s -c "$jar" -b "$jar" "$base/register" | token)
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$t" -d "username=$1" \
    -d password=clave-del-escaner-1 -d password_confirmation=clave-del-escaner-1 -d stakeholder=academia "$base/register"
  awk '$6 == "cabildo_session" {print $7}' "$jar"
}
flagger=$(member_session escaner-dos)
member_session victima >/dev/null
echo clave-del-administrador | "$binary" admin create escaner-admin --role admin --database "$work/sqlmap.sqlite" >/dev/null
admin_jar=$work/jar-admin
t=$(curl -s -c "$admin_jar" -b "$admin_jar" "$base/login" | token)
curl -s -c "$admin_jar" -b "$admin_jar" -o /dev/null --data-urlencode "csrf_token=$t" -d username=escaner-admin \
  -d password=clave-del-administrador "$base/login"
admin=$(awk '$6 == "cabildo_session" {print $7}' "$admin_jar")
[ -n "$flagger" ] && [ -n "$admin" ] || { echo "sqlmap gate: could not make the flagger or the admin" >&2; exit 1; }
anonymous=$(curl -s -D - -o /dev/null "$base/login" | sed -n 's/^set-cookie: cabildo_anon=\([^;]*\).*/\1/ip' | tr -d '\r')
# A member with two-factor on (the key read off the enrolment page, the code from pyotp).
leaver=$(member_session escaner-tres)
enrolled_jar=$work/jar-escaner-dos-pasos
member_session escaner-cuatro >/dev/null
cp "$work/jar-escaner-cuatro" "$enrolled_jar"
page=$(curl -s -c "$enrolled_jar" -b "$enrolled_jar" "$base/settings/2fa")
key=$(printf '%s' "$page" | grep -o '<code id="totp-secret">[^<]*' | sed 's/.*>//; s/ //g')
code=$(python3 -c 'import pyotp, sys; print(pyotp.TOTP(sys.argv[1]).now())' "$key")
curl -s -c "$enrolled_jar" -b "$enrolled_jar" -o /dev/null --data-urlencode "csrf_token=$(printf '%s' "$page" | token)" \
  -d action=enable -d "code=$code" "$base/settings/2fa"
[ -n "$leaver" ] && [ -n "$key" ] || { echo "sqlmap gate: could not make the two-factor member" >&2; exit 1; }
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
  --data "csrf_token=x&username=nuevo&password=clave-larga-123&password_confirmation=clave-larga-123&stakeholder=academia&department=peten" \
  --csrf-token csrf_token --csrf-url "$base/register" --cookie "cabildo_anon=$anonymous" -p username,stakeholder,department
scan reply -u "$base/t/1/reply" --data "csrf_token=x&body=Una+respuesta&parent=1" \
  --csrf-token csrf_token --csrf-url "$base/t/1" --cookie "cabildo_session=$session" -p body,parent
scan thread -u "$base/b/banda-ancha" --data "csrf_token=x&title=Un+hilo+nuevo&body=Texto" \
  --csrf-token csrf_token --csrf-url "$base/b/banda-ancha/new" --cookie "cabildo_session=$session" -p title,body
scan flag -u "$base/p/1/flag" --data "csrf_token=x&reason=spam&note=Publicidad" \
  --csrf-token csrf_token --csrf-url "$base/p/1/flag" --cookie "cabildo_session=$flagger" -p reason,note
scan forgot -u "$base/password/forgot" --data "csrf_token=x&login=escaner" \
  --csrf-token csrf_token --csrf-url "$base/password/forgot" --cookie "cabildo_anon=$anonymous" -p login
scan email -u "$base/settings/email" --data "csrf_token=x&email=escaner%40example.org&mail_notifications=each" \
  --csrf-token csrf_token --csrf-url "$base/settings/email" --cookie "cabildo_session=$session" -p email
# Half signed in, just before its scan: the code step lasts 5 minutes.
challenge_jar=$work/jar-challenge
t=$(curl -s -c "$challenge_jar" -b "$challenge_jar" "$base/login" | token)
curl -s -c "$challenge_jar" -b "$challenge_jar" -o /dev/null --data-urlencode "csrf_token=$t" -d username=escaner-cuatro \
  -d password=clave-del-escaner-1 "$base/login"
challenge=$(awk '$6 == "cabildo_2fa" {print $7}' "$challenge_jar")
challenge_anon=$(awk '$6 == "cabildo_anon" {print $7}' "$challenge_jar")
[ -n "$challenge" ] || { echo "sqlmap gate: could not reach the code step" >&2; exit 1; }
scan login-code -u "$base/login/2fa" --data "csrf_token=x&code=123456" \
  --csrf-token csrf_token --csrf-url "$base/login/2fa" --cookie "cabildo_anon=$challenge_anon; cabildo_2fa=$challenge" -p code
scan two-factor -u "$base/settings/2fa" --data "csrf_token=x&action=enable&code=123456" \
  --csrf-token csrf_token --csrf-url "$base/settings/2fa" --cookie "cabildo_session=$session" -p action,code
scan close-account -u "$base/settings/delete" --data "csrf_token=x&password=clave-equivocada&code=123456" \
  --csrf-token csrf_token --csrf-url "$base/settings/delete" --cookie "cabildo_session=$leaver" -p password,code
# Staff forms last: they suspend, move and add words that could get in the way of the scans above.
scan move -u "$base/mod/threads/1/move" --data "csrf_token=x&board=proteccion-de-datos&reason=Otro+tema" \
  --csrf-token csrf_token --csrf-url "$base/mod/threads/1" --cookie "cabildo_session=$admin" -p board,reason
scan suspend -u "$base/mod/users/victima/suspend" --data "csrf_token=x&days=3&reason=Insultos" \
  --csrf-token csrf_token --csrf-url "$base/u/victima" --cookie "cabildo_session=$admin" -p days,reason
scan words -u "$base/mod/words" --data "csrf_token=x&phrase=casino&response=block&reason=Spam" \
  --csrf-token csrf_token --csrf-url "$base/mod/words" --cookie "cabildo_session=$admin" -p phrase,response,reason
scan conclusions -u "$base/b/banda-ancha/conclusions" \
  --data "csrf_token=x&conclusions=Acuerdo&recommendations=Publicar&status=draft" \
  --csrf-token csrf_token --csrf-url "$base/b/banda-ancha/conclusions" --cookie "cabildo_session=$admin" -p conclusions,recommendations
scan panel -u "$base/mod/boards/banda-ancha/panel" \
  --data "csrf_token=x&panel_starts_at=2030-10-25T13:30&panel_ends_at=2030-10-25T15:30&panel_place=Aula&panel_moderators=Ana&panel_panelists=Beto&panel_stream_url=https%3A%2F%2Fexample.org%2Fvivo&reason=Panel" \
  --csrf-token csrf_token --csrf-url "$base/mod/boards" --cookie "cabildo_session=$admin" -p panel_starts_at,panel_place,panel_moderators
scan boards -u "$base/mod/boards" --data "csrf_token=x&slug=nuevo-tema&title_es=Nuevo&title_en=New&reason=Pedido" \
  --csrf-token csrf_token --csrf-url "$base/mod/boards" --cookie "cabildo_session=$admin" -p slug,title_es,reason

# sqlmap exits 0 whatever it finds: its logs and result files are the verdict.
found=0
if grep -l "identified the following injection point" "$out"/*.log; then found=1; fi
# A row sqlmap itself re-checked and marked "false positive or unexploitable" (it then reports the
# parameter as not injectable) is printed but does not fail the gate; any other row does.
for results in "$out"/results-*.csv; do
  [ -f "$results" ] || continue
  if grep -v '^Target URL' "$results" | grep -q 'false positive or unexploitable'; then
    echo "sqlmap rejected its own candidate in $results:"; grep 'false positive' "$results"
  fi
  if [ "$(grep -v '^Target URL' "$results" | grep -cv 'false positive or unexploitable')" -gt 0 ]; then
    echo "findings in $results"; cat "$results"; found=1
  fi
done
if [ "$found" = 1 ]; then echo "sqlmap gate: FAILED"; exit 1; fi
echo "sqlmap gate: no injection point found in 17 targets"
