import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withFeatherCache } from '@lb/cache-feather';
import { Bars, future, parseTimestep } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { minuteBarTape, TAPE_START_NANOS, TEST_API_KEY, TEST_INSTRUMENTS } from './__fixtures__/tape.js';
import { createLiveBarFeed, type LiveBarsUpdate } from './live-bar-feed.js';
import { LiveBarSeries, loadHistoryForLive, mergeBarsAtSeam } from './live-bar-history.js';
import { createDatabentoLive } from './live-client.js';
import { type MockDatabentoLive, startMockDatabentoLive } from './testing/index.js';

const MINUTE = 60_000_000_000n;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startMock(publishedAtStart?: number, barCount = 5): Promise<MockDatabentoLive> {
  const mock = await startMockDatabentoLive({
    apiKey: TEST_API_KEY,
    instruments: TEST_INSTRUMENTS,
    records: minuteBarTape(barCount),
    ...(publishedAtStart === undefined ? {} : { publishedAtStart }),
  });
  cleanups.push(() => mock.close());
  return mock;
}

function clientFor(mock: MockDatabentoLive) {
  const client = createDatabentoLive({
    apiKey: TEST_API_KEY,
    dataset: 'GLBX.MDP3',
    gateway: mock.gateway,
    env: {},
  });
  cleanups.push(() => client.close());
  return client;
}

const opensInMinutes = (bars: Bars) =>
  [...bars.tsEventNanos].map((open) => Number((open - TAPE_START_NANOS) / MINUTE));

describe('createLiveBarFeed', () => {
  it('should emit replayed ohlcv-1m bars as columnar core Bars with exact prices', async () => {
    const mock = await startMock();
    const client = clientFor(mock);
    client.subscribe({ schema: 'ohlcv-1m', symbols: 'ESH6', start: 0n });
    const feed = createLiveBarFeed({ client, schema: 'ohlcv-1m' });
    const updates: LiveBarsUpdate[] = [];
    let total = 0;
    for await (const update of feed.updates()) {
      updates.push(update);
      total += update.bars.length;
      if (total === 5) break;
    }
    const all = Bars.concat(updates.map((update) => update.bars));
    expect(opensInMinutes(all)).toEqual([0, 1, 2, 3, 4]);
    expect(all.at(0)).toEqual({
      tsEventNanos: TAPE_START_NANOS,
      open: 6000,
      high: 6002,
      low: 5999,
      close: 6001.5,
      volume: 100,
    });
    expect(all.at(4)).toEqual({
      tsEventNanos: TAPE_START_NANOS + 4n * MINUTE,
      open: 6004,
      high: 6006,
      low: 6003,
      close: 6005.5,
      volume: 104,
    });
    expect(updates[0]!.asset).toEqual(future('ESH6'));
    expect(updates[0]!.symbol).toBe('ESH6');
    expect(all.metadata.timestep.label).toBe('1m');
  });

  it('should hold a bar until the end-of-interval message says its minute has closed', async () => {
    const mock = await startMock(3);
    const client = clientFor(mock);
    client.subscribe({ schema: 'ohlcv-1m', symbols: 'ESH6', start: 0n });
    // The wall clock stands before the tape: only end-of-interval messages can close bars.
    const feed = createLiveBarFeed({ client, schema: 'ohlcv-1m', nowNanos: () => TAPE_START_NANOS });
    const iterator = feed.updates();
    // Bars 0, 1 and 2 arrive with end-of-interval messages for minutes 0 and 1 only.
    const first: number[] = [];
    while (first.length < 2)
      first.push(...opensInMinutes(((await iterator.next()).value as LiveBarsUpdate).bars));
    expect(first).toEqual([0, 1]);
    expect(client.intervalClosedThroughNanos).toBe(TAPE_START_NANOS + 2n * MINUTE);
    const pending = iterator.next();
    const early = await Promise.race([
      pending,
      new Promise((resolve) => setTimeout(() => resolve('held'), 150)),
    ]);
    expect(early).toBe('held');
    mock.publish(2);
    const rest = opensInMinutes(((await pending).value as LiveBarsUpdate).bars);
    while (rest.length < 3)
      rest.push(...opensInMinutes(((await iterator.next()).value as LiveBarsUpdate).bars));
    expect(rest).toEqual([2, 3, 4]);
    await iterator.return(undefined);
  });
});

describe('merging live bars onto history', () => {
  const rows = (fromMinute: number, count: number, price: number) =>
    Array.from({ length: count }, (_, index) => ({
      tsEventNanos: TAPE_START_NANOS + BigInt(fromMinute + index) * MINUTE,
      open: price,
      high: price,
      low: price,
      close: price,
      volume: 1,
    }));
  const metadata = { symbol: 'ESH6', timestep: parseTimestep('1m') };

  it('should keep history before the seam and live bars from it, with no gap or duplicate', () => {
    const history = Bars.fromRows(rows(-3, 5, 1), metadata); // minutes -3..1
    const live = Bars.fromRows(rows(0, 3, 2), metadata); // minutes 0..2
    const merged = mergeBarsAtSeam({ history, live });
    expect(opensInMinutes(merged)).toEqual([-3, -2, -1, 0, 1, 2]);
    expect([...merged.close]).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('should load history through the cache up to the seam and join the live replay from it', async () => {
    const history = Bars.fromRows(rows(-10, 14, 1), metadata); // minutes -10..3 at the source
    const origin = new MockDataSource({ bars: [[future('ESH6'), history]] });
    // Through the Feather cache, as a live engine would: a second start reads history from disk.
    const source = withFeatherCache(origin, {
      cacheDir: mkdtempSync(path.join(os.tmpdir(), 'lb-live-cache-')),
    });
    const now = new Date(Number((TAPE_START_NANOS + 2n * MINUTE + 30_000_000_000n) / 1_000_000n));
    const loaded = await loadHistoryForLive({
      source,
      asset: future('ESH6'),
      timestep: '1m',
      start: new Date(Number((TAPE_START_NANOS - 10n * MINUTE) / 1_000_000n)),
      now,
    });
    expect(loaded.seamNanos).toBe(TAPE_START_NANOS + 2n * MINUTE);
    expect(opensInMinutes(loaded.bars)).toEqual([-10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1]);
    const originCalls = origin.calls.bars.length;
    const again = await loadHistoryForLive({
      source,
      asset: future('ESH6'),
      timestep: '1m',
      start: new Date(Number((TAPE_START_NANOS - 10n * MINUTE) / 1_000_000n)),
      now,
    });
    expect(opensInMinutes(again.bars)).toEqual(opensInMinutes(loaded.bars));
    expect(origin.calls.bars.length).toBe(originCalls);

    const mock = await startMock();
    const client = clientFor(mock);
    client.subscribe({ schema: 'ohlcv-1m', symbols: 'ESH6', start: loaded.seam });
    const feed = createLiveBarFeed({ client, schema: 'ohlcv-1m' });
    const series = new LiveBarSeries({ history: loaded.bars, seamNanos: loaded.seamNanos });
    for await (const update of feed.updates()) {
      series.append(update.bars);
      // A repeated update changes nothing.
      series.append(update.bars);
      if (series.bars.length === 15) break;
    }
    expect(opensInMinutes(series.bars)).toEqual([-10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4]);
    expect([...series.bars.close.subarray(11)]).toEqual([1, 6003.5, 6004.5, 6005.5]);
  });
});
