import { DataNotLoadedError, defineStrategy, future, type Strategy } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ParityStrategy, SyncParityStrategy } from './__fixtures__/parity-strategy.js';
import { ES_INSTRUMENTS, ESH6, MINUTE_MS, minuteBars, TAPE_START_MS } from './__fixtures__/tape.js';
import { openTapeSession } from './__fixtures__/tape-session.js';
import { PaperBroker } from './paper-broker.js';
import { trade } from './trade.js';

const BAR_COUNT = 40;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Trades `strategy` on the paper broker over the mock gateway's tape of ESH6 minute bars. */
async function tradeOnTape(strategy: Strategy<object>) {
  const { live, clock } = await openTapeSession({
    barCount: BAR_COUNT,
    onCleanup: (close) => cleanups.push(close),
  });
  const broker = new PaperBroker({
    instruments: ES_INSTRUMENTS,
    clockMs: clock.nowMs,
    fees: { perContractFee: 1.25 },
  });
  const run = trade({
    strategy,
    history: new MockDataSource({ bars: [[ESH6, minuteBars(BAR_COUNT)]] }),
    live,
    broker,
    clock,
    endMs: TAPE_START_MS + BAR_COUNT * MINUTE_MS,
    assets: [ESH6],
    barWaitMs: Number.POSITIVE_INFINITY,
  });
  return { run, broker };
}

describe('trade getLoadedHistoricalPrices', () => {
  it('should give a synchronous hook the same windows and trades as the async accessor', async () => {
    const asyncStrategy = new ParityStrategy();
    const asyncRun = await tradeOnTape(asyncStrategy);
    const asyncResult = await asyncRun.run;
    const syncStrategy = new SyncParityStrategy();
    const syncRun = await tradeOnTape(syncStrategy);
    const syncResult = await syncRun.run;

    expect(syncResult.iterations).toBe(asyncResult.iterations);
    expect(syncStrategy.vars.iterations).toBe(syncResult.iterations);
    expect(syncRun.broker.getTrades().length).toBeGreaterThanOrEqual(4);
    expect(syncRun.broker.getTrades()).toEqual(asyncRun.broker.getTrades());
    expect(syncRun.broker.getCash()).toBe(asyncRun.broker.getCash());
    const seen = syncStrategy.vars.seenOpensMs as number[][];
    expect(seen).toEqual(asyncStrategy.vars.seenOpensMs);
    // No lookahead: at iteration k (time TAPE_START + k minutes) the last bar seen opened a minute earlier.
    expect(seen[5]!.at(-1)).toBe(TAPE_START_MS + 4 * MINUTE_MS);
    expect(
      seen.every(
        (opens, index) => opens.length === 0 || opens.at(-1)! <= TAPE_START_MS + (index - 1) * MINUTE_MS,
      ),
    ).toBe(true);
  });

  it('should throw DataNotLoadedError for an unloaded asset once, without re-running the hook', async () => {
    let calls = 0;
    const caught: unknown[] = [];
    const Unloaded = defineStrategy({
      sleeptime: '1M',
      market: '24/7',
      onTradingIteration() {
        calls++;
        this.getLoadedLastPrice(future('ESH6'));
      },
      onAbruptClosing(error) {
        caught.push(error);
      },
    });
    const { run } = await tradeOnTape(new Unloaded());
    const error = await run.catch((thrown: unknown) => thrown);
    expect(DataNotLoadedError.isInstance(error)).toBe(true);
    expect((error as DataNotLoadedError).asset).toBe('future:ESH2026');
    expect((error as DataNotLoadedError).message).toContain('getLoadedLastPrice(future:ESH2026, 1');
    expect(calls).toBe(1);
    expect(caught).toEqual([error]);
  });
});
