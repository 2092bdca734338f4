#!/usr/bin/env bash
# Proves users can install only what they need: packs every public package, installs just the
# @lb/core and @lb/databento tarballs into a scratch project outside the workspace, and decodes DBN there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/tarballs" "$work/app"
for dir in "$root"/packages/*/; do
  (cd "$dir" && pnpm pack --pack-destination "$work/tarballs" >/dev/null)
done
echo "packed: $(cd "$work/tarballs" && ls | tr '\n' ' ')"

cd "$work/app"
echo '{ "name": "release-check", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/lb-core-*.tgz "$work"/tarballs/lb-databento-*.tgz
cp "$root/scripts/release-check-decode.mjs" ./decode.mjs
fixture="$root/../shared/fixtures/dbn/test_data.ohlcv-1m.v3.dbn.zst"
node decode.mjs "$fixture"
