#!/usr/bin/env bash
# Proves users can install only what they need: packs every public package, then in scratch projects
# outside the workspace installs just the tarballs one use needs and runs that use:
# - the codec alone (@lb/dbn with its @lb/core dependency) decodes and encodes DBN, and MockDataSource
#   from @lb/core/testing loads without vitest;
# - the DBN folder source (@lb/core + @lb/dbn-files, exactly its README install line) reads bars and
#   instrument specs from the example sample data, with no @lb/databento anywhere in the project;
# - a backtest with only @lb/core, @lb/dbn, @lb/dbn-files and @lb/backtest (no @lb/databento, no vitest)
#   runs on the sample data;
# - a third-party source package (`lb-source-sample`, packed here from scripts/release-check-source) next to
#   @lb/cli: `lb sources` lists it and `lb backtest --data-source sample` runs a strategy file of the project.
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
# Their internal dependencies that are not named (e.g. @lb/dbn under @lb/dbn-files, @lb/report under
# @lb/cli) resolve to the local tarballs through overrides: nothing is published yet, and the registry must
# never be asked for @lb.
scratch_project() {
  local name="$1"
  shift
  mkdir -p "$work/$name"
  cd "$work/$name"
  local overrides="" package
  for package in $(cd "$root/packages" && ls); do
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
# MockDataSource is a runtime helper: importing @lb/core/testing must not need vitest (not installed here).
node --input-type=module -e "
  const { MockDataSource } = await import('@lb/core/testing');
  if (new MockDataSource().sourceId !== 'mock') throw new Error('unexpected MockDataSource');
  console.log('@lb/core/testing without vitest: ok');"

scratch_project dbn-files core dbn-files
if [ -e node_modules/@lb/databento ]; then
  echo "release-check: @lb/dbn-files pulled in @lb/databento" >&2
  exit 1
fi
cp "$root/scripts/release-check-dbn-files.mjs" ./dbn-files.mjs
node dbn-files.mjs "$root/apps/examples/data"

scratch_project backtest core dbn dbn-files backtest
for unwanted in @lb/databento vitest; do
  if [ -e "node_modules/$unwanted" ]; then
    echo "release-check: the backtest project pulled in $unwanted" >&2
    exit 1
  fi
done
cp "$root/scripts/release-check-backtest.mjs" ./backtest.mjs
node backtest.mjs "$root/apps/examples/data"

# The third-party source is packed like its author would publish it, then installed next to @lb/cli.
cp -r "$root/scripts/release-check-source" "$work/lb-source-sample"
(cd "$work/lb-source-sample" && rm buy-and-hold-mes.ts && npm pack --pack-destination "$work" --loglevel=error >/dev/null)
scratch_project third-party-source core backtest cli
npm install --no-audit --no-fund --loglevel=error "$work"/lb-source-sample-1.0.0.tgz
mkdir -p my-strategies
cp "$root/scripts/release-check-source/buy-and-hold-mes.ts" my-strategies/x.ts
sources="$(npx --no-install lb sources)"
echo "$sources"
grep -qx 'sample (lb-source-sample): Sample bars from a third-party package' <<<"$sources" || {
  echo "release-check: lb sources does not list lb-source-sample" >&2
  exit 1
}
output="$(SAMPLE_DIR="$root/apps/examples/data" npx --no-install lb backtest ./my-strategies/x.ts \
  --start 2024-01-03T14:30:00Z --end 2024-01-05T21:00:00Z --data-source sample --out results)"
echo "$output"
grep -qx 'Data: Sample bars from a third-party package (lb-source-sample)' <<<"$output" &&
  grep -Eq '^Fills: +1$' <<<"$output" || {
  echo "release-check: lb backtest --data-source sample did not run on the third-party source" >&2
  exit 1
}
echo "third-party source lb-source-sample listed and used by lb: ok"
