// Reads AAPL 1-minute bars for 2025-01-08..2025-01-11 through withFeatherCache over the mock Databento API,
// optionally dying (SIGKILL) at the Nth rename of the cache's atomic writes.
// argv: cacheDir baseURL apiKey killAtRename (0: never)
import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { parseTimestep } from '@lb/core';
import { createDatabentoData } from '@lb/databento';
import { AAPL, withFeatherCache } from './child-common.mjs';

const [cacheDir, baseURL, apiKey, killAtText] = process.argv.slice(2);
const killAt = Number(killAtText ?? '0');
if (killAt > 0) {
  const realRename = fs.rename;
  let renames = 0;
  fs.rename = async (...args) => {
    renames++;
    if (renames === killAt) process.kill(process.pid, 'SIGKILL');
    return realRename(...args);
  };
  syncBuiltinESMExports();
}
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const databento = createDatabentoData({ apiKey, baseURL, env: {}, datasetRangeTtlMs: 0, logger: silent });
const cached = withFeatherCache(databento, { cacheDir, logger: { warn() {}, debug() {} } });
const bars = await cached.doFetchBars({
  asset: AAPL,
  timestep: parseTimestep('1m'),
  start: new Date('2025-01-08T00:00:00Z'),
  end: new Date('2025-01-11T00:00:00Z'),
});
let sum = 0;
for (const value of bars.close) sum += value;
process.stdout.write(`${JSON.stringify({ length: bars.length, sum })}\n`);
