#!/usr/bin/env bash
# Proves users can install only what they need: packs every public package, then in scratch projects
# outside the workspace installs just the tarballs one use needs and runs that use:
# - the codec alone (@lb/dbn with its @lb/core dependency) decodes and encodes DBN;
# - the DBN folder source (@lb/core + @lb/dbn-files, exactly its README install line) reads bars and
#   instrument specs from the example sample data, with no @lb/databento anywhere in the project.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/tarballs"
for dir in "$root"/packages/*/; do
  (cd "$dir" && pnpm pack --pack-destination "$work/tarballs" >/dev/null)
done
echo "packed: $(cd "$work/tarballs" && ls | tr '\n' ' ')"
tarball() { ls "$work"/tarballs/lb-"$1"-[0-9]*.tgz; }

# A scratch project with only the named packages installed from their tarballs (npm, as a user would).
# Their internal dependencies that are not named (e.g. @lb/dbn under @lb/dbn-files) resolve to the local
# tarballs through overrides: nothing is published yet, and the registry must never be asked for @lb.
scratch_project() {
  local name="$1"
  shift
  mkdir -p "$work/$name"
  cd "$work/$name"
  local overrides="" package
  for package in core dbn; do
    case " $* " in *" $package "*) ;; *) overrides+="${overrides:+, }\"@lb/$package\": \"file:$(tarball "$package")\"" ;; esac
  done
  echo "{ \"name\": \"$name\", \"private\": true, \"type\": \"module\", \"overrides\": { $overrides } }" >package.json
  local specs=()
  for package in "$@"; do specs+=("$(tarball "$package")"); done
  npm install --no-audit --no-fund --loglevel=error "${specs[@]}"
}

scratch_project codec core dbn
cp "$root/scripts/release-check-decode.mjs" ./decode.mjs
# The shared fixtures sit next to the repository, or one level further up from a nested git worktree.
fixture="$root/../shared/fixtures/dbn/test_data.ohlcv-1m.v3.dbn.zst"
[ -e "$fixture" ] || fixture="$root/../../shared/fixtures/dbn/test_data.ohlcv-1m.v3.dbn.zst"
node decode.mjs "$fixture"

scratch_project dbn-files core dbn-files
if [ -e node_modules/@lb/databento ]; then
  echo "release-check: @lb/dbn-files pulled in @lb/databento" >&2
  exit 1
fi
cp "$root/scripts/release-check-dbn-files.mjs" ./dbn-files.mjs
node dbn-files.mjs "$root/apps/examples/data"
