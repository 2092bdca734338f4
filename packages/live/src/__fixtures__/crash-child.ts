// A child process running trade() with a state file, for the crash test. Env: GATEWAY, STATE_FILE,
// START_MS, END_MS, and PAUSE_WITH_WORKING_ORDERS=1 to stop stepping (and print PAUSED) at the first step
// where the account holds a position and working orders, waiting there to be killed.
import { MockDataSource } from '@lb/core/testing';
import { createDatabentoLive, createLiveBarFeed } from '@lb/databento-live';
import { createTestClock, type TradeClock } from '../clock.js';
import { PaperBroker } from '../paper-broker.js';
import { trade } from '../trade.js';
import { ParityStrategy } from './parity-strategy.js';
import { ES_INSTRUMENTS, ESH6, TAPE_START_MS, TEST_API_KEY } from './tape.js';

const env = process.env;
const testClock = createTestClock(Number(env.START_MS));
const broker = new PaperBroker({
  stateFile: env.STATE_FILE!,
  instruments: ES_INSTRUMENTS,
  clockMs: testClock.nowMs,
});
process.stdout.write(
  `RESUMED ${JSON.stringify({ positions: broker.getPositions(), openOrders: broker.getOpenOrders() }, (_key, value) => (typeof value === 'bigint' ? String(value) : value))}\n`,
);
const clock: TradeClock = {
  nowMs: testClock.nowMs,
  async sleepUntil(timeMs, signal) {
    if (
      env.PAUSE_WITH_WORKING_ORDERS === '1' &&
      broker.getPositions().length > 0 &&
      broker.getOpenOrders().length > 0
    ) {
      process.stdout.write(`PAUSED ${timeMs}\n`);
      await new Promise(() => {});
    }
    await testClock.sleepUntil(timeMs, signal);
  },
};
const client = createDatabentoLive({
  apiKey: TEST_API_KEY,
  dataset: 'GLBX.MDP3',
  gateway: env.GATEWAY!,
  env: {},
});
client.subscribe({ schema: 'ohlcv-1m', symbols: 'ESH6', start: BigInt(TAPE_START_MS) * 1_000_000n });
await trade({
  strategy: new ParityStrategy(),
  history: new MockDataSource(),
  live: createLiveBarFeed({ client, schema: 'ohlcv-1m' }),
  broker,
  clock,
  endMs: Number(env.END_MS),
  assets: [ESH6],
  barWaitMs: Number.POSITIVE_INFINITY,
});
await client.close();
process.stdout.write('DONE\n');
