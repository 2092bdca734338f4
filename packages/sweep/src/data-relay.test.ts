import { Bars, parseTimestep, stock } from '@lb/core';
import { describe, expect, it } from 'vitest';
import { createRelayDataSource, type DataRequestMessage } from './data-relay.js';

const capabilities = {
  assetTypes: ['stock'],
  timestepUnits: ['minute'],
  continuousFutures: false,
  instruments: false,
  downloadApproval: true,
} as const;
const loadBars = async () => Bars.empty({ symbol: stock('AAPL').symbol, timestep: parseTimestep('1m') });
const loadInstrument = () => Promise.reject(new Error('no instruments'));

describe('createRelayDataSource', () => {
  it('should not claim download approval when its relay does not forward approvals', () => {
    const source = createRelayDataSource({
      description: { sourceId: 'databento', capabilities },
      relay: { loadBars, loadInstrument },
    });
    expect(source.capabilities).toEqual({ ...capabilities, downloadApproval: false, assetListing: false });
    expect(source.doApproveDownloads).toBeUndefined();
  });

  it('should not claim asset listing, which it does not relay, even over an origin that lists', () => {
    const source = createRelayDataSource({
      description: { sourceId: 'dbn-files', capabilities: { ...capabilities, assetListing: true } },
      relay: { loadBars, loadInstrument },
    });
    expect(source.capabilities.assetListing).toBe(false);
    expect(source.doListAssets).toBeUndefined();
  });

  it('should forward each distinct approval once and answer repeats from memory', async () => {
    const forwarded: DataRequestMessage[] = [];
    const source = createRelayDataSource({
      description: { sourceId: 'databento', capabilities },
      relay: {
        loadBars,
        loadInstrument,
        async approveDownloads(request) {
          forwarded.push(request);
          return [0.25, undefined];
        },
      },
    });
    expect(source.capabilities.downloadApproval).toBe(true);
    const requests = ['2024-01-02', '2024-01-03'].map((day) => ({
      asset: stock('AAPL'),
      timestep: parseTimestep('1m'),
      start: new Date(`${day}T14:30:00Z`),
      end: new Date(`${day}T21:00:00Z`),
    }));
    expect(await source.doApproveDownloads!(requests)).toEqual([0.25, undefined]);
    expect(await source.doApproveDownloads!(requests)).toEqual([0.25, undefined]);
    expect(forwarded).toEqual([
      {
        kind: 'approval',
        requests: [
          {
            kind: 'bars',
            asset: stock('AAPL'),
            timestep: '1m',
            startMs: Date.parse('2024-01-02T14:30:00Z'),
            endMs: Date.parse('2024-01-02T21:00:00Z'),
          },
          {
            kind: 'bars',
            asset: stock('AAPL'),
            timestep: '1m',
            startMs: Date.parse('2024-01-03T14:30:00Z'),
            endMs: Date.parse('2024-01-03T21:00:00Z'),
          },
        ],
      },
    ]);
  });
});
