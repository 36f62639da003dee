#!/usr/bin/env bash
# Installs the Debian packages Cabildo builds against. Safe to run again: it does nothing
# when they are all there. The Swift 6.3 toolchain itself is expected on PATH (or in /opt/swift/usr/bin).
set -euo pipefail
packages=(libargon2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libqrencode-dev libsqlite3-dev pkg-config zlib1g-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null && [ -x /opt/swift/usr/bin/swift ]; then
  echo "note: add /opt/swift/usr/bin to PATH" >&2
fi
