#!/usr/bin/env bash
# Builds one commit in release into a folder for bench/ab.sh: the binary with the Templates and
# Public it goes with. One git worktree and one build folder under $AB_BUILDS (default
# /tmp/cabildo-ab) serve every commit, so only the first build is a clean one (about 5 min here;
# the next commit built in seconds). When done: git worktree remove --force "$AB_BUILDS/src".
# Usage: bench/ab-build.sh COMMIT     (prints the folder)
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(git rev-parse --short "$1")
root=${AB_BUILDS:-/tmp/cabildo-ab}
mkdir -p "$root"
[ -d "$root/src" ] || git worktree add --detach "$root/src" "$commit" >/dev/null 2>&1
git -C "$root/src" checkout --quiet --detach "$commit"
(cd "$root/src" && swift build -c release --product cabildo --scratch-path "$root/build" >/dev/null)
dir=$root/$commit
rm -rf "$dir" && mkdir -p "$dir"
cp "$root/build/release/cabildo" "$dir/cabildo"
cp -r "$root/src/Templates" "$root/src/Public" "$dir/"
echo "$dir"
