#!/usr/bin/env bash
# One command for the whole test suite; CI runs exactly this.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
./Deploy/install-deps.sh || exit 1
log=$(mktemp)
swift test 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# A plain closing line that any reader understands, from Swift Testing's own summary.
total=$(grep -oE 'Test run with [0-9]+ tests?' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
failed=$(grep -cE '^✘ Test .* failed after' "$log" || true)
echo "tests: $((total - failed)) passed, ${failed} failed"
rm -f "$log"
exit "$status"
