import { MockDataSource } from '@lb/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ParityStrategy } from './__fixtures__/parity-strategy.js';
import { ES_INSTRUMENTS, ESH6, MINUTE_MS, minuteBars, TAPE_START_MS } from './__fixtures__/tape.js';
import { openTapeSession } from './__fixtures__/tape-session.js';
import { PaperBroker } from './paper-broker.js';
import { type TradeStatus, trade } from './trade.js';

const BAR_COUNT = 30;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('trade (gateway disconnect)', () => {
  it('should pause on a drop and resume from the replay with no gap and no duplicate bar', async () => {
    const { mock, client, live, clock } = await openTapeSession({
      barCount: BAR_COUNT,
      onCleanup: (close) => cleanups.push(close),
      mock: {
        // Half the tape is out when the first session drops mid-stream; the next one streams the rest live.
        publishedAtStart: 15,
        faults: [{ kind: 'drop', afterRecords: 12 }],
      },
    });
    const broker = new PaperBroker({ instruments: ES_INSTRUMENTS, clockMs: clock.nowMs });
    const strategy = new ParityStrategy();
    const statuses: TradeStatus[] = [];
    let published = 15;
    const run = await trade({
      strategy,
      history: new MockDataSource({ bars: [[ESH6, minuteBars(0)]] }),
      live,
      broker,
      clock,
      endMs: TAPE_START_MS + BAR_COUNT * MINUTE_MS,
      assets: [ESH6],
      barWaitMs: Number.POSITIVE_INFINITY,
      connection: client,
      onStatus: (status) => {
        statuses.push(status);
        // The market publishes one more bar whenever the engine waits for data after the reconnect.
        if (status.paused && status.connection === 'connected' && published < BAR_COUNT) {
          published++;
          mock.publish(1);
        }
      },
    });

    expect(mock.connectionCount).toBe(2);
    expect(statuses.some((status) => status.connection === 'reconnecting' && status.paused)).toBe(true);
    expect(run.logLines.some((line) => line.includes('live gateway disconnected'))).toBe(true);
    const seen = strategy.vars.seenOpensMs as number[][];
    expect(seen).toHaveLength(BAR_COUNT);
    // Iteration i (at start + i minutes) sees exactly the last three minutes before it: no gap, no duplicate.
    seen.forEach((opens, iteration) => {
      const expected = [iteration - 3, iteration - 2, iteration - 1]
        .filter((minute) => minute >= 0)
        .map((minute) => TAPE_START_MS + minute * MINUTE_MS);
      expect(opens).toEqual(expected);
    });
  });
});
