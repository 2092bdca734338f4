import type { MockDatabentoBar, MockDatabentoData } from '../testing/mock-types.js';

/** Minute bars every minute from `start` for `count` minutes, prices drifting from `base`. */
export function minuteBars(start: string, count: number, base: number): MockDatabentoBar[] {
  const startMs = Date.parse(start);
  return Array.from({ length: count }, (_, index) => {
    const open = base + index * 0.25;
    return {
      time: new Date(startMs + index * 60_000),
      open,
      high: open + 0.5,
      low: open - 0.25,
      close: open + 0.25,
      volume: 100 + index,
    };
  });
}

/**
 * ES around the March 2025 roll: ESH5 (id 101) trades 2025-03-13..14, ESM5 (id 102) too; the core roll
 * rule moves ES to June before the March expiry. Also AAPL on XNAS.ITCH and ES daily bars.
 */
export const mockData: MockDatabentoData = {
  series: [
    {
      dataset: 'GLBX.MDP3',
      schema: 'ohlcv-1m',
      symbol: 'ESH5',
      instrumentId: 101,
      bars: [
        ...minuteBars('2025-03-03T14:30:00Z', 30, 6000),
        ...minuteBars('2025-03-13T14:30:00Z', 30, 6010),
        ...minuteBars('2025-03-14T14:30:00Z', 30, 6020),
      ],
    },
    {
      dataset: 'GLBX.MDP3',
      schema: 'ohlcv-1m',
      symbol: 'ESM5',
      instrumentId: 102,
      bars: [
        ...minuteBars('2025-03-10T14:30:00Z', 30, 6090),
        ...minuteBars('2025-03-13T14:30:00Z', 30, 6100),
        ...minuteBars('2025-03-14T14:30:00Z', 30, 6110),
      ],
    },
    {
      dataset: 'XNAS.ITCH',
      schema: 'ohlcv-1m',
      symbol: 'AAPL',
      instrumentId: 7,
      bars: minuteBars('2025-03-03T14:30:00Z', 60, 240),
    },
  ],
  definitions: [
    {
      dataset: 'GLBX.MDP3',
      symbol: 'ESH5',
      instrumentId: 101,
      multiplier: 50,
      tickSize: 0.25,
      expiration: '2025-03-21T13:30:00Z',
    },
    {
      dataset: 'GLBX.MDP3',
      symbol: 'ESM5',
      instrumentId: 102,
      multiplier: 50,
      tickSize: 0.25,
      expiration: '2025-06-20T13:30:00Z',
    },
  ],
  continuous: [
    {
      dataset: 'GLBX.MDP3',
      symbol: 'ES.v.0',
      segments: [
        { rawSymbol: 'ESH5', start: '2025-03-01', end: '2025-03-14' },
        { rawSymbol: 'ESM5', start: '2025-03-14', end: '2025-06-20' },
      ],
    },
  ],
  datasetRanges: {
    'GLBX.MDP3': { start: '2025-01-01', end: '2025-03-20' },
    'XNAS.ITCH': { start: '2025-01-01', end: '2025-03-20' },
  },
  pricePerGbUsd: 1_000_000,
};
