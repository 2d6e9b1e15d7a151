#!/usr/bin/env bash
# Fetches testharness.js (web-platform-tests' test harness) from the npm
# package wpt-runner, which ships a copy, into engines/boa/testharness/
# (git-ignored: testharness.js is not ours and is never committed).
#
# Usage: engines/boa/fetch-testharness.sh   (prints the path of the file)
# Needs npm. Does nothing when the pinned version is there already.
set -euo pipefail
cd "$(dirname "$0")"

version="7.0.0"
target="testharness"
file="$target/testharness.js"
stamp="$target/wpt-runner-version"

if [ -f "$file" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  echo "$PWD/$file"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-testharness: npm is required (install Node.js)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "wpt-runner@$version" >/dev/null)
tar -xzf "$work/wpt-runner-$version.tgz" -C "$work" package/testharness/testharness.js
mkdir -p "$target"
cp "$work/package/testharness/testharness.js" "$file"
echo "$version" > "$stamp"
echo "$PWD/$file"
