#!/usr/bin/env bash
# Seeds a fresh demo database for the scale benchmarks and reports wall time, file size and peak RSS.
# Usage: bench/seed.sh [POSTS] [FILE]   (defaults: 1000000 and /tmp/seed-POSTS.sqlite; FILE is replaced)
# Set SCRATCH to build in another scratch path than .build (SwiftPM locks its scratch path).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
posts=${1:-1000000}
file=${2:-/tmp/seed-$posts.sqlite}
scratch=${SCRATCH:-.build}

swift build -c release --product cabildo --scratch-path "$scratch" >/dev/null
rm -f "$file" "$file-wal" "$file-shm"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$scratch/release/cabildo" seed --demo --posts "$posts" --database "$file" 2>"$log"
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f MB", $2 / 1024}' "$log")
else
  "$scratch/release/cabildo" seed --demo --posts "$posts" --database "$file"
  rss="(no /usr/bin/time)"
fi
size=$(stat -c %s "$file")
echo "file: $file, $((size / 1024 / 1024)) MB; peak RSS $rss"
