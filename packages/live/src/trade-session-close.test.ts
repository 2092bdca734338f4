import { defineStrategy } from '@lb/core';
import { MockDataSource } from '@lb/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ES_INSTRUMENTS, ESH6, MINUTE_MS, minuteBars, TAPE_START_MS } from './__fixtures__/tape.js';
import { openTapeSession } from './__fixtures__/tape-session.js';
import { PaperBroker } from './paper-broker.js';
import { trade } from './trade.js';

const BAR_COUNT = 30;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// One session over the tape's first 20 minutes: its close falls inside the run.
const SESSION_CLOSE_MS = TAPE_START_MS + 20 * MINUTE_MS;
const calendar = {
  sessions: (start: Date, end: Date) =>
    start.getTime() < SESSION_CLOSE_MS && end.getTime() > TAPE_START_MS
      ? [{ open: new Date(TAPE_START_MS), close: new Date(SESSION_CLOSE_MS) }]
      : [],
};

describe('trade (session close)', () => {
  it('should stop onTradingIteration at beforeMarketCloses, so a flattened strategy holds nothing at the close', async () => {
    const { live, clock } = await openTapeSession({
      barCount: BAR_COUNT,
      onCleanup: (close) => cleanups.push(close),
    });
    const broker = new PaperBroker({ instruments: ES_INSTRUMENTS, clockMs: clock.nowMs });
    const iterationMinutes: number[] = [];
    const heldAtClose: number[] = [];
    // Written as a Lumibot user would: always long, flattened in beforeMarketCloses, no time guard.
    const AlwaysLong = defineStrategy({
      sleeptime: '1M',
      minutesBeforeClosing: 5,
      onTradingIteration() {
        iterationMinutes.push((this.getTimestampMs() - TAPE_START_MS) / MINUTE_MS);
        if (this.getPositions().length === 0 && this.getOpenOrders().length === 0) {
          this.submitOrder(this.createOrder(ESH6, 1, 'buy'));
        }
      },
      beforeMarketCloses() {
        this.sellAll();
      },
      afterMarketCloses() {
        heldAtClose.push(this.getPositions().length, this.getOpenOrders().length);
      },
    });
    const run = await trade({
      strategy: new AlwaysLong(),
      history: new MockDataSource({ bars: [[ESH6, minuteBars(BAR_COUNT)]] }),
      live,
      broker,
      clock,
      calendar,
      endMs: TAPE_START_MS + BAR_COUNT * MINUTE_MS,
      assets: [ESH6],
      barWaitMs: Number.POSITIVE_INFINITY,
    });
    // Minutes 0-14 iterate; beforeMarketCloses runs at minute 15; minutes 15-19 only record the equity.
    expect(iterationMinutes).toEqual(Array.from({ length: 15 }, (_, minute) => minute));
    expect(run.iterations).toBe(15);
    expect(run.equity.timesMs).toHaveLength(20);
    expect(heldAtClose).toEqual([0, 0]);
    expect(broker.getTrades().map((fill) => fill.side)).toEqual(['buy', 'sell']);
    expect(broker.getPositions()).toEqual([]);
  });
});
