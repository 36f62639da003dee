#!/usr/bin/env bash
# Registers a member through the web forms and opens a 20-post thread (id 1) on banda-ancha,
# as a tree: every third reply answers the opening post, the others the reply before.
# Usage: bench/make-thread.sh BASE_URL WORK_DIR
set -euo pipefail
base=$1
work=$2
jar=$work/jar
token() { grep -o 'name="csrf_token" value="[^"]*"' | sed -n '1{s/.*value="//;s/"$//;p;}'; }
t=$(curl -s -c "$jar" -b "$jar" "$base/register" | token)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$t" -d username=bench \
  -d password=bench-password-1 -d password_confirmation=bench-password-1 -d stakeholder=academia "$base/register"
t=$(curl -s -c "$jar" -b "$jar" "$base/b/banda-ancha/new" | token)
body="Propongo que el Estado publique **mapas de cobertura** por municipio, con datos abiertos y actualizados cada trimestre, para que las comunidades sepan dónde falta conexión y puedan exigirla."
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$t" --data-urlencode "title=Mapas de cobertura abiertos" \
  --data-urlencode "body=$body" "$base/b/banda-ancha"
parent=1
for i in $(seq 2 20); do
  # A tree: every third reply answers the opening post, the others the previous reply.
  if (( i % 3 == 0 )); then p=1; else p=$parent; fi
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf_token=$t" --data-urlencode "body=$body" \
    -d "parent=$p" "$base/t/1/reply"
  parent=$i
done

