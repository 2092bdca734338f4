// Runs inside a scratch project that installed only @lb/core and @lb/dbn from their tarballs.
import { existsSync } from 'node:fs';
import { future, toDatabentoRawSymbol } from '@lb/core';
import { decodeDbn, encodeDbn, readOhlcvColumns } from '@lb/dbn';

const fixture = process.argv[2];
if (fixture !== undefined && existsSync(fixture)) {
  const { metadata, columns } = await readOhlcvColumns(fixture);
  console.log(
    `decoded fixture ${metadata.dataset} ${metadata.schema}: ${columns.length} bars, first close ${columns.close[0]}`,
  );
  if (columns.length === 0) throw new Error('expected bars in the fixture');
} else {
  console.log('fixture folder absent: decoding a file written by the encoder only');
}
const symbol = toDatabentoRawSymbol(future('ES', '2025-03-21'));
const bytes = await encodeDbn(
  {
    metadata: { dataset: 'GLBX.MDP3', schema: 'ohlcv-1m', startNanos: 0n, symbols: [symbol] },
    records: [],
  },
  { compress: true },
);
const { metadata } = decodeDbn(bytes);
if (metadata?.symbols[0] !== symbol) throw new Error(`round trip lost the symbol: ${metadata?.symbols}`);
console.log(`encoded and decoded an empty ${symbol} stream: ok`);
