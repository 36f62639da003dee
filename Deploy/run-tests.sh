#!/usr/bin/env bash
# One command for the whole test suite; CI runs exactly this.
#   1. swift test: every module's tests, HTTP tests through the real router, mail read back from
#      a real SMTP server (aiosmtpd, installed here), and the store contract run on SQLite and on a
#      throwaway PostgreSQL cluster (Deploy/postgres-test-cluster.sh, stopped and deleted at the end)
#   2. the quality gates (Tests/E2E/run-gates.sh): real browser, accessibility, sqlmap
# Set CABILDO_SKIP_GATES=1 to run only the first step.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
./Deploy/install-deps.sh || exit 1
# The mail tests' SMTP server on 127.0.0.1: Python's aiosmtpd (PyPI), run by Tests/E2E/smtp_sink.py,
# with a certificate that openssl makes for its TLS tests.
command -v openssl >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null || exit 1
# gdb only to print the stacks of a test run that hangs (Deploy/test-watchdog.sh); the tests run without it.
command -v gdb >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdb >/dev/null || echo "run-tests: no gdb" >&2
python3 -c "import aiosmtpd" 2>/dev/null \
  || pip install --quiet --disable-pip-version-check --root-user-action=ignore "aiosmtpd>=1.4,<2" || exit 1
# PostgreSQL for the store contract tests: a cluster of its own, on 127.0.0.1, gone when this ends.
# Under CI a cluster that does not start fails the run (the tests would fail anyway, less clearly).
pg_dir=$(mktemp -d /tmp/cabildo-pg.XXXXXX)
trap './Deploy/postgres-test-cluster.sh stop "$pg_dir" 2>/dev/null || rm -rf "$pg_dir"' EXIT
if CABILDO_TEST_POSTGRES_URL=$(./Deploy/postgres-test-cluster.sh start "$pg_dir"); then
  export CABILDO_TEST_POSTGRES_URL
else
  echo "run-tests: the PostgreSQL test cluster did not start" >&2
  [ -n "${CI:-}" ] && exit 1
fi
log=$(mktemp)
# Built first, so the time limit covers only the tests (about 3 minutes; 20 leave room for a slow machine).
swift build --build-tests 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ "$status" = 0 ]; then
  ./Deploy/test-watchdog.sh 1200 swift test --skip-build 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
fi
total=$(grep -oE 'Test run with [0-9]+ tests?' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
# Failed tests, not the closing "✘ Test run with … failed" line (CI once read "2 failed" for one).
failed=$(grep -E '^✘ Test .* failed after' "$log" | grep -vc '^✘ Test run with' || true)
passed=$((total - failed))
if [ "${CABILDO_SKIP_GATES:-0}" != 1 ]; then
  Tests/E2E/run-gates.sh all 2>&1 | tee "$log"
  gates=${PIPESTATUS[0]}
  [ "$gates" = 0 ] || status=$gates
  passed=$((passed + $(grep -oE '[0-9]+ passed' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)))
  failed=$((failed + $(grep -oE '[0-9]+ failed' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)))
  grep -q "sqlmap gate: no injection point" "$log" && passed=$((passed + 1)) || failed=$((failed + 1))
fi
rm -f "$log"
# A plain closing line that any reader understands.
echo "tests: ${passed} passed, ${failed} failed"
exit "$status"
