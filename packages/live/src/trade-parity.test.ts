import { backtest } from '@lb/backtest';
import { MockDataSource } from '@lb/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ParityStrategy } from './__fixtures__/parity-strategy.js';
import { ES_INSTRUMENTS, ESH6, MINUTE_MS, minuteBars, TAPE_START_MS } from './__fixtures__/tape.js';
import { openTapeSession } from './__fixtures__/tape-session.js';
import { PaperBroker } from './paper-broker.js';
import { trade } from './trade.js';

const BAR_COUNT = 40;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('trade (parity with backtest)', () => {
  it('should give the same trades and final cash live (paper) as a backtest on the same bars', async () => {
    const { live, clock } = await openTapeSession({
      barCount: BAR_COUNT,
      onCleanup: (close) => cleanups.push(close),
    });
    const broker = new PaperBroker({
      instruments: ES_INSTRUMENTS,
      clockMs: clock.nowMs,
      fees: { perContractFee: 1.25 },
    });
    const endMs = TAPE_START_MS + BAR_COUNT * MINUTE_MS;
    const dataSource = new MockDataSource({ bars: [[ESH6, minuteBars(BAR_COUNT)]] });
    const liveStrategy = new ParityStrategy();
    const run = await trade({
      strategy: liveStrategy,
      history: dataSource,
      live,
      broker,
      clock,
      endMs,
      assets: [ESH6],
      barWaitMs: Number.POSITIVE_INFINITY,
    });

    const backtested = await backtest({
      strategy: new ParityStrategy(),
      dataSource,
      start: new Date(TAPE_START_MS),
      end: new Date(endMs),
      instruments: ES_INSTRUMENTS,
      fees: { perContractFee: 1.25 },
    });

    const liveTrades = broker
      .getTrades()
      .map(({ orderId, time, side, quantity, price, fee, realizedPnl }) => ({
        orderId,
        time,
        side,
        quantity,
        price,
        fee,
        realizedPnl,
      }));
    const backtestTrades = backtested.trades.map(
      ({ orderId, time, side, quantity, price, fee, realizedPnl }) => ({
        orderId,
        time: new Date(time).toISOString(),
        side,
        quantity,
        price,
        fee,
        realizedPnl,
      }),
    );
    expect(run.iterations).toBe(backtested.iterations);
    expect(liveTrades.length).toBeGreaterThanOrEqual(4);
    expect(liveTrades).toEqual(backtestTrades);
    expect(broker.getCash()).toBe(backtested.equityCurve.cash.at(-1));
    expect(run.duplicateBarsDropped).toBe(0);
  });
});
