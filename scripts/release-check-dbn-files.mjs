// Runs inside a scratch project that installed only @lb/core and @lb/dbn-files (and so @lb/dbn) from their
// tarballs: the DBN folder source must work without @lb/databento.
import { fetchBars, fetchInstrument, future } from '@lb/core';
import { createDbnFileSource } from '@lb/dbn-files';

const dataDirectory = process.argv[2];
if (dataDirectory === undefined) throw new Error('usage: node dbn-files.mjs <folder of DBN files>');
const source = createDbnFileSource({ dir: dataDirectory });
const esh4 = future('ESH4');
// The sample has one bar per minute inside the Globex session: 14:30-15:30 UTC is 60 bars.
const bars = await fetchBars(source, {
  asset: esh4,
  timestep: '1m',
  start: '2024-01-03T14:30:00Z',
  end: '2024-01-03T15:30:00Z',
});
if (bars.length !== 60) throw new Error(`expected 60 ESH4 minute bars, got ${bars.length}`);
const spec = await fetchInstrument(source, esh4, new Date('2024-01-03T00:00:00Z'));
if (spec.multiplier !== 50) throw new Error(`expected the ES multiplier 50, got ${spec.multiplier}`);
console.log(`dbn-files: ${bars.length} ESH4 bars, multiplier ${spec.multiplier}, no @lb/databento: ok`);
