#!/usr/bin/env bash
# Runs a command (the test suite) with a time limit. The suite takes 3 to 5 minutes; a test
# that hangs would otherwise hold CI for its 90. Past the limit this prints what was waiting, so
# the hang can be found from the log: every thread's stack in the test process (gdb, when
# installed) and what each PostgreSQL session of the test cluster was doing. Then it kills the
# test process (SIGKILL: the apps under test take SIGTERM as a graceful shutdown) and exits 124.
# Usage: Deploy/test-watchdog.sh SECONDS COMMAND [ARG...]
set -uo pipefail
limit=$1
shift
"$@" &
command_pid=$!
fired=$(mktemp -u /tmp/cabildo-watchdog.XXXXXX)
(
  sleep "$limit" &
  wait "$!"
  kill -0 "$command_pid" 2>/dev/null || exit 0
  touch "$fired"
  echo "test-watchdog: still running after ${limit} s; what it waits on:"
  if [ -n "${CABILDO_TEST_POSTGRES_URL:-}" ] && command -v psql >/dev/null; then
    psql "$CABILDO_TEST_POSTGRES_URL" -X -c "SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS in_transaction,
        left(query, 200) AS query FROM pg_stat_activity WHERE datname IS NOT NULL AND pid <> pg_backend_pid()"
  fi
  for process in $(pgrep -f 'PackageTests\.xctest'); do
    if command -v gdb >/dev/null; then gdb -p "$process" -batch -ex "thread apply all bt 12" 2>&1 | grep -E '^(Thread|#)'; fi
    kill -KILL "$process"
  done
  sleep 5
  kill "$command_pid" 2>/dev/null
) &
watchdog_pid=$!
wait "$command_pid"
status=$?
# Ending its sleep lets the watchdog see the command has ended, and leave.
pkill -P "$watchdog_pid" -x sleep 2>/dev/null
wait "$watchdog_pid"
if [ -e "$fired" ]; then
  rm -f "$fired"
  echo "test-watchdog: the tests were stopped after ${limit} s"
  exit 124
fi
rm -f "$fired"
exit "$status"
