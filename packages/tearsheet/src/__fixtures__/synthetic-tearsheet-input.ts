import { computeDrawdownPercent } from '../series.js';
import type { TearsheetInput, TearsheetTrade } from '../tearsheet-input.js';

/** Deterministic PRNG (mulberry32) so fixtures and screenshots are identical run to run. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded random-walk equity curve of `points` evenly spaced steps over 2023-12-01 to 2024-01-31, with `tradeCount` ES fills. */
export function createSyntheticTearsheetInput(points: number, tradeCount: number, seed = 42): TearsheetInput {
  const random = createRandom(seed);
  const startMs = Date.UTC(2023, 11, 1);
  const stepMs = (Date.UTC(2024, 0, 31) - startMs) / Math.max(1, points - 1);
  const timesMs = new Array<number>(points);
  const values = new Array<number>(points);
  let equity = 100_000;
  for (let index = 0; index < points; index++) {
    timesMs[index] = Math.round(startMs + index * stepMs);
    equity *= 1 + (random() - 0.4985) * 0.001;
    values[index] = equity;
  }
  const trades: TearsheetTrade[] = [];
  for (let index = 0; index < tradeCount; index++) {
    // Whole minutes, like real fills at bar closes.
    const timeMs =
      Math.round((startMs + (index * points * stepMs) / Math.max(1, tradeCount)) / 60_000) * 60_000;
    trades.push({
      time: new Date(timeMs).toISOString(),
      symbol: 'ESH4',
      side: index % 2 === 0 ? 'buy' : 'sell',
      quantity: 1 + (index % 3),
      price: 4500 + Math.round(random() * 400) / 4,
      fee: 2.25,
      ...(index % 2 === 1 ? { pnl: Math.round((random() - 0.45) * 200_000) / 100 } : {}),
    });
  }
  return {
    title: 'ES futures SMA crossover',
    subtitle: 'Synthetic sample data (seeded random walk), 2023-12-01 to 2024-01-31',
    stats: [
      { label: 'Total return', value: `${((equity / 100_000 - 1) * 100).toFixed(2)}%` },
      { label: 'CAGR', value: '12.40%' },
      { label: 'Sharpe', value: '1.21' },
      {
        label: 'Max drawdown',
        value: `${computeDrawdownPercent(values)
          .reduce((a, b) => Math.min(a, b), 0)
          .toFixed(2)}%`,
      },
      { label: 'Trades', value: String(tradeCount) },
      { label: 'Final equity', value: `$${equity.toFixed(2)}` },
    ],
    equity: { timesMs, values },
    trades,
  };
}
