#!/usr/bin/env bash
# One command for a newcomer: install what is needed, build, and serve Cabildo on
# http://127.0.0.1:8080 with the embedded SQLite database (cabildo.sqlite, six boards seeded).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
./Deploy/install-deps.sh
swift build -c release --product cabildo
exec .build/release/cabildo serve --database "${CABILDO_DATABASE:-cabildo.sqlite}" "$@"
