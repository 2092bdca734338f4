// `node scripts/run-after-build.mjs <package> <command> [args...]`: builds the workspace dependencies of
// <package> quietly (see quiet-build.mjs), then runs the command with the same stdio and exit code.
// Used by `pnpm example` and `pnpm bench:lumibot`.
import { spawnSync } from 'node:child_process';
import { buildQuietly } from './quiet-build.mjs';

const [target, command, ...rest] = process.argv.slice(2);
if (target === undefined || command === undefined) {
  process.stderr.write('usage: node scripts/run-after-build.mjs <package> <command> [args...]\n');
  process.exit(2);
}
buildQuietly({ target, includeTarget: false });
const child = spawnSync(command, rest, { stdio: 'inherit' });
if (child.error !== undefined) throw child.error;
process.exitCode = child.status ?? 1;
