import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const quietBuild = path.join(repositoryRoot, 'scripts/quiet-build.mjs');

describe('pnpm lb in the monorepo', () => {
  it('should print only the command output and pnpm’s one-line echo, no build or telemetry noise', async (context) => {
    if (!existsSync(path.join(repositoryRoot, 'pnpm-workspace.yaml'))) {
      context.skip('not inside the @lb monorepo');
    }
    // Never rebuild under running tests (they import the dist/ a build rewrites): `pnpm test` builds first.
    if (existsSync(quietBuild)) {
      const { stalePackages } = (await import(pathToFileURL(quietBuild).href)) as {
        stalePackages: (options: { target: string }) => string[];
      };
      const stale = stalePackages({ target: '@lb/cli' });
      if (stale.length > 0) context.skip(`out of date, run pnpm build first: ${stale.join(', ')}`);
    }
    const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
    const result = spawnSync('pnpm', ['lb', '--version'], {
      cwd: repositoryRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
    // pnpm itself echoes the script it runs (`$ node scripts/lb.mjs --version`); nothing else may appear.
    expect(result.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('$ '))).toEqual(
      [],
    );
  }, 130_000);
});
