#!/usr/bin/env bash
# Installs what the three gates need: Debian's chromium, chromium-driver and sqlmap, Selenium
# from PyPI, and axe-core 4.x (axe.min.js taken from the axe-selenium-python 3.0.0 wheel).
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
for package in chromium chromium-driver sqlmap curl; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
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
