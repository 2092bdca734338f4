// Builds workspace packages before a command, silently: nothing at all when every dist/ is newer than its
// inputs, and turbo with its output captured otherwise (shown only if the build fails). `pnpm lb` and
// `pnpm example` used to print turbo's banner, summary and telemetry notice before every command.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORKSPACE_FOLDERS = ['packages', 'apps'];
// The inputs of turbo's build task (turbo.json), plus what every package shares.
const PACKAGE_INPUTS = ['src', 'tsup.config.ts', 'tsconfig.json', 'package.json'];
const SHARED_INPUTS = ['tsconfig.base.json', 'pnpm-lock.yaml'];

function readWorkspace() {
  const packages = new Map();
  for (const folder of WORKSPACE_FOLDERS) {
    const parent = path.join(repositoryRoot, folder);
    if (!existsSync(parent)) continue;
    for (const name of readdirSync(parent)) {
      const directory = path.join(parent, name);
      const manifestPath = path.join(directory, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      const dependencies = Object.entries({
        ...manifest.dependencies,
        ...manifest.devDependencies,
        ...manifest.peerDependencies,
      })
        .filter(([, range]) => String(range).startsWith('workspace:'))
        .map(([dependency]) => dependency);
      packages.set(manifest.name, { directory, dependencies, buildable: Boolean(manifest.scripts?.build) });
    }
  }
  return packages;
}

/** The workspace packages `target` depends on, transitively, with `target` itself when `includeTarget`. */
function dependencyClosure(packages, target, includeTarget) {
  const seen = new Set();
  const visit = (name) => {
    const entry = packages.get(name);
    if (entry === undefined) return;
    for (const dependency of entry.dependencies) {
      if (!seen.has(dependency)) {
        seen.add(dependency);
        visit(dependency);
      }
    }
  };
  visit(target);
  if (includeTarget) seen.add(target);
  else seen.delete(target);
  return [...seen].filter((name) => packages.get(name)?.buildable);
}

function newestModifiedMs(target) {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(target, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

const stampOf = (directory) => path.join(directory, 'dist', 'index.js');

function needsBuild(directory, sharedInputsMs) {
  const stamp = stampOf(directory);
  if (!existsSync(stamp)) return true;
  const builtMs = statSync(stamp).mtimeMs;
  const inputsMs = Math.max(
    sharedInputsMs,
    ...PACKAGE_INPUTS.map((input) => newestModifiedMs(path.join(directory, input))),
  );
  return inputsMs > builtMs;
}

/** The packages `buildQuietly` would build: those of the closure whose dist/ is older than its inputs. */
export function stalePackages({ target, includeTarget = true }) {
  const packages = readWorkspace();
  const sharedInputsMs = Math.max(
    ...SHARED_INPUTS.map((input) => newestModifiedMs(path.join(repositoryRoot, input))),
  );
  return dependencyClosure(packages, target, includeTarget).filter((name) =>
    needsBuild(packages.get(name).directory, sharedInputsMs),
  );
}

/**
 * Builds `target` (and its workspace dependencies) when any of them is out of date; with
 * `includeTarget: false` only the dependencies (turbo's `target^...`). Exits the process with turbo's
 * code, after printing turbo's output, if the build fails.
 */
export function buildQuietly({ target, includeTarget = true }) {
  const stale = stalePackages({ target, includeTarget });
  if (stale.length === 0) return;
  const packages = readWorkspace();
  const filter = includeTarget ? `${target}...` : `${target}^...`;
  const turbo = spawnSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', `--filter=${filter}`, '--output-logs=errors-only', '--log-prefix=none'],
    {
      cwd: repositoryRoot,
      encoding: 'utf8',
      env: {
        ...process.env,
        TURBO_TELEMETRY_DISABLED: '1',
        TURBO_NO_UPDATE_NOTIFIER: '1',
        DO_NOT_TRACK: '1',
      },
    },
  );
  if (turbo.status !== 0) {
    process.stderr.write(`${turbo.stdout ?? ''}${turbo.stderr ?? ''}`);
    process.stderr.write(`build of ${stale.join(', ')} failed (turbo run build --filter=${filter})\n`);
    process.exit(turbo.status ?? 1);
  }
  // A turbo cache hit leaves dist/ untouched when its content already matches (after a checkout or a
  // touch), so mark the packages as built now, or every later command would run turbo again.
  const now = new Date();
  for (const name of stale) {
    const stamp = stampOf(packages.get(name).directory);
    if (existsSync(stamp)) utimesSync(stamp, now, now);
  }
}
