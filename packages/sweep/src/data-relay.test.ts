import { Bars, parseTimestep, stock } from '@lb/core';
import { describe, expect, it } from 'vitest';
import { createRelayDataSource } from './data-relay.js';

describe('createRelayDataSource', () => {
  it('should not claim download approval, which it does not relay to the origin', () => {
    const capabilities = {
      assetTypes: ['stock'],
      timestepUnits: ['minute'],
      continuousFutures: false,
      instruments: false,
      downloadApproval: true,
    } as const;
    const source = createRelayDataSource({
      description: { sourceId: 'databento', capabilities },
      relay: {
        loadBars: async () => Bars.empty({ symbol: stock('AAPL').symbol, timestep: parseTimestep('1m') }),
        loadInstrument: () => Promise.reject(new Error('no instruments')),
      },
    });
    expect(source.capabilities).toEqual({ ...capabilities, downloadApproval: false });
    expect(source.doApproveDownloads).toBeUndefined();
  });
});
