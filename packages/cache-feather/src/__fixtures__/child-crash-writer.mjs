// Writes days through withFeatherCache and dies (SIGKILL) at the Nth rename, or at a random moment when
// the parent kills it. argv: cacheDir version killAtRename (0: write once; -1: rewrite until killed).
import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { AAPL, HOURLY, versionedBars, withFeatherCache } from './child-common.mjs';

const [cacheDir, versionText, killAtText] = process.argv.slice(2);
const version = Number(versionText);
const killAt = Number(killAtText);
if (killAt > 0) {
  const realRename = fs.rename;
  let renames = 0;
  // Node's documented hook to make ESM named imports of builtins see a patched function.
  fs.rename = async (...args) => {
    renames++;
    if (renames === killAt) process.kill(process.pid, 'SIGKILL');
    return realRename(...args);
  };
  syncBuiltinESMExports();
}
const source = {
  specificationVersion: 'v1',
  sourceId: 'crash',
  capabilities: {
    assetTypes: ['stock'],
    timestepUnits: ['hour'],
    continuousFutures: false,
    instruments: false,
  },
  async doFetchBars(request) {
    return versionedBars(request.start.getTime(), request.end.getTime(), version);
  },
};
const cached = withFeatherCache(source, { cacheDir, logger: { warn() {}, debug() {} } });
process.stdout.write('ready\n');
for (;;) {
  await cached.doFetchBars({
    asset: AAPL,
    timestep: HOURLY,
    start: new Date('2024-01-01T00:00:00Z'),
    end: new Date('2024-01-31T00:00:00Z'),
    forceCacheUpdate: true,
  });
  if (killAt >= 0) break;
}
process.stdout.write('done\n');
