// Reads a range through withFeatherCache over a slow, file-backed source that logs every download to a
// shared file. argv: cacheDir downloadsFile
import { appendFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { AAPL, HOURLY, versionedBars, withFeatherCache } from './child-common.mjs';

const [cacheDir, downloadsFile] = process.argv.slice(2);
const source = {
  specificationVersion: 'v1',
  sourceId: 'slow',
  capabilities: {
    assetTypes: ['stock'],
    timestepUnits: ['hour'],
    continuousFutures: false,
    instruments: false,
  },
  async doFetchBars(request) {
    appendFileSync(
      downloadsFile,
      `${process.pid} ${request.start.toISOString()} ${request.end.toISOString()}\n`,
    );
    await delay(400);
    return versionedBars(request.start.getTime(), request.end.getTime(), 1);
  },
};
const cached = withFeatherCache(source, { cacheDir });
const bars = await cached.doFetchBars({
  asset: AAPL,
  timestep: HOURLY,
  start: new Date('2024-01-01T00:00:00Z'),
  end: new Date('2024-01-21T00:00:00Z'),
});
let sum = 0;
for (const value of bars.close) sum += value;
process.stdout.write(`${JSON.stringify({ length: bars.length, sum })}\n`);
