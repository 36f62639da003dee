#!/usr/bin/env bash
# Installs what the gates need: Debian's chromium, chromium-driver and sqlmap, nginx and
# PostgreSQL (the scale-out gate runs its own of each on loopback), Selenium from PyPI, and
# axe-core 4.x (axe.min.js taken from the axe-selenium-python 3.0.0 wheel).
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
for package in chromium chromium-driver sqlmap curl nginx postgresql postgresql-contrib; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  # The packages' own services are not started (nginx would listen on port 80 of every address):
  # Debian's policy-rc.d refuses them while we install, unless the machine has a policy already.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -c "import selenium, pytest, requests, pyotp, aiosmtpd" 2>/dev/null \
  || pip install --quiet --disable-pip-version-check --root-user-action=ignore -r Tests/E2E/requirements.txt
if [ ! -s .ci/cache/axe.min.js ]; then
  mkdir -p .ci/cache
  tmp=$(mktemp -d)
  pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: --python-version 3.12 \
    axe-selenium-python==3.0.0 -d "$tmp"
  python3 - "$tmp" <<'PY'
import glob, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(sys.argv[1] + "/*.whl")[0])
open(".ci/cache/axe.min.js", "wb").write(wheel.read("axe_selenium_python/node_modules/axe-core/axe.min.js"))
PY
  rm -rf "$tmp"
fi
head -c 20 .ci/cache/axe.min.js | grep -q "axe v4" || { echo "axe-core 4.x not found" >&2; exit 1; }
