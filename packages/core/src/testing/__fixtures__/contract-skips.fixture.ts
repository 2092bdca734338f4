// Run by describe-data-source-contract.test.ts in a child vitest: the contract suite against a source that
// serves options, has neither the instruments nor the asset listing capability, and a fixture without an
// empty window.
import { future } from '../../asset.js';
import { type Bar, Bars } from '../../bars.js';
import type { DataSourceV1 } from '../../data-source.js';
import { parseTimestep } from '../../timestep.js';
import { describeDataSourceContract } from '../describe-data-source-contract.js';
import { MockDataSource } from '../mock-data-source.js';

const esh4 = future('ESH4');
const startMs = Date.UTC(2024, 0, 2, 14, 30);
const rows: Bar[] = Array.from({ length: 10 }, (_, index) => ({
  tsEventNanos: BigInt(startMs + index * 60_000) * 1_000_000n,
  open: 4700,
  high: 4701,
  low: 4699,
  close: 4700.5,
  volume: 10,
}));
const mock = new MockDataSource({
  bars: [[esh4, Bars.fromRows(rows, { symbol: 'ESH4', timestep: parseTimestep('1m') })]],
  capabilities: { assetTypes: ['stock', 'future', 'option'] },
});
const barsOnly: DataSourceV1 = {
  specificationVersion: 'v1',
  sourceId: 'bars-only',
  capabilities: { ...mock.capabilities, instruments: false, assetListing: false },
  doFetchBars: (request, options) => mock.doFetchBars(request, options),
};

describeDataSourceContract('bars-only', () => ({
  source: barsOnly,
  bars: { asset: esh4, timestep: '1m', start: new Date(startMs), end: new Date(startMs + 10 * 60_000) },
}));
