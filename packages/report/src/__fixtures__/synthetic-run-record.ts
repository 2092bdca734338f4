import type { RunFill, RunPriceSeries, RunRecord } from '../run-record.js';

/** Deterministic PRNG (mulberry32) so fixtures are identical run to run. */
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

/** Options of {@link createSyntheticRunRecord}. */
export interface SyntheticRunOptions {
  readonly startMs?: number;
  readonly endMs?: number;
  /** Minutes between fills of the toy strategy (long, flat, short, flat, ...). */
  readonly tradeEveryMinutes?: number;
  readonly seed?: number;
}

const multiplier = 50;

/**
 * A year (by default 2024) of 1-minute iterations on CME Globex hours (Sunday 23:00 to Friday 22:00 UTC,
 * a daily break at 22:00): about 350,000 points. A seeded random walk prices ES; a toy strategy cycles
 * long/flat/short/flat every `tradeEveryMinutes`; ESH4 rolls into ESM4 on 2024-03-14 with `roll` fills;
 * the benchmark holds one contract throughout. Equity is marked to market every minute.
 */
export function createSyntheticRunRecord(options: SyntheticRunOptions = {}): RunRecord {
  const random = createRandom(options.seed ?? 7);
  const startMs = options.startMs ?? Date.UTC(2024, 0, 1);
  const endMs = options.endMs ?? Date.UTC(2025, 0, 1);
  const rollMs = Date.UTC(2024, 2, 14, 13, 30);
  const tradeEvery = options.tradeEveryMinutes ?? 390;
  const initialCash = 100_000;
  const timesMs: number[] = [];
  const values: number[] = [];
  const cash: number[] = [];
  const benchmarkValues: number[] = [];
  const prices: Record<string, { timesMs: number[]; values: number[]; highs: number[]; lows: number[] }> = {
    ESH4: { timesMs: [], values: [], highs: [], lows: [] },
    ESM4: { timesMs: [], values: [], highs: [], lows: [] },
  };
  const fills: RunFill[] = [];
  let price = 4_800;
  const firstPrice = price;
  let realized = 0;
  let position = 0;
  let entryPrice = 0;
  let minute = 0;
  const basis = 25; // ESM4 trades 25 points above ESH4
  const fill = (timeMs: number, symbol: string, side: 'buy' | 'sell', fillPrice: number, tag?: string) => {
    const fee = 2.5;
    let realizedPnl = 0;
    if (position !== 0 && Math.sign(position) !== (side === 'buy' ? 1 : -1)) {
      realizedPnl = (fillPrice - entryPrice) * position * multiplier;
      realized += realizedPnl - fee;
      position = 0;
    } else {
      realized -= fee;
      position = side === 'buy' ? 1 : -1;
      entryPrice = fillPrice;
    }
    fills.push({
      timeMs,
      symbol,
      side,
      quantity: 1,
      price: fillPrice,
      fee,
      realizedPnl,
      ...(tag ? { tag } : {}),
    });
  };
  let rolled = false;
  for (let timeMs = startMs; timeMs < endMs; timeMs += 60_000) {
    const date = new Date(timeMs);
    const day = date.getUTCDay();
    const hour = date.getUTCHours();
    if (day === 6 || (day === 0 && hour < 23) || (day === 5 && hour >= 22) || hour === 22) continue;
    const symbol = timeMs < rollMs ? 'ESH4' : 'ESM4';
    if (!rolled && timeMs >= rollMs) {
      rolled = true;
      if (position !== 0) {
        const side = position > 0 ? 'buy' : 'sell';
        const held = position;
        fill(timeMs, 'ESH4', held > 0 ? 'sell' : 'buy', price, 'roll');
        fill(timeMs, 'ESM4', side, price + basis, 'roll');
      }
    }
    const open = price;
    price = Math.round((price + (random() - 0.4995) * 1.5) * 4) / 4;
    const quoted = symbol === 'ESM4' ? price + basis : price;
    const high = Math.max(open, price) + (symbol === 'ESM4' ? basis : 0) + 0.25;
    const low = Math.min(open, price) + (symbol === 'ESM4' ? basis : 0) - 0.25;
    const series = prices[symbol]!;
    series.timesMs.push(timeMs);
    series.values.push(quoted);
    series.highs.push(high);
    series.lows.push(low);
    if (minute % tradeEvery === 0 && minute > 0) {
      // Phases 1, 2, 3, 0: open long, close it, open short, close it.
      const phase = (minute / tradeEvery) % 4;
      fill(timeMs, symbol, phase === 1 || phase === 0 ? 'buy' : 'sell', quoted);
    }
    minute++;
    const open_ = position === 0 ? 0 : (quoted - entryPrice) * position * multiplier;
    timesMs.push(timeMs);
    values.push(initialCash + realized + open_);
    cash.push(initialCash + realized);
    benchmarkValues.push(initialCash + (price - firstPrice) * multiplier);
  }
  const priceSeries: Record<string, RunPriceSeries> = {};
  for (const [symbol, series] of Object.entries(prices))
    if (series.timesMs.length > 0) priceSeries[symbol] = series;
  return {
    strategy: 'ToyCycle',
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    initialCash,
    dataDescription: 'SYNTHETIC random walk (seeded), not real market data',
    parameters: { tradeEveryMinutes: tradeEvery },
    equity: { timesMs, values },
    cash,
    fills,
    benchmark: { label: 'ES buy and hold', timesMs, values: benchmarkValues },
    prices: priceSeries,
    warnings: ['Synthetic data: 2024-03-14 roll priced with a fixed 25-point basis.'],
    statsRows: [
      { time: new Date(startMs).toISOString(), fast: 1.5, slow: 2 },
      { time: new Date(endMs).toISOString(), fast: 2.5, note: 'end, "quoted"' },
    ],
  };
}
