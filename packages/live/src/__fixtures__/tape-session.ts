import { createDatabentoLive, createLiveBarFeed } from '@lb/databento-live';
import { type MockDatabentoLiveOptions, startMockDatabentoLive } from '@lb/databento-live/testing';
import { createTestClock } from '../clock.js';
import { minuteBarRecords, TAPE_START_MS, TEST_API_KEY, TEST_INSTRUMENTS } from './tape.js';

/**
 * The mock gateway serving `barCount` ESH6 minute bars of the tape, a client subscribed from the tape's
 * start, its live bar feed and a test clock at the tape's start. Each closer is handed to `onCleanup`.
 */
export async function openTapeSession(options: {
  readonly barCount: number;
  readonly onCleanup: (close: () => Promise<void>) => void;
  /** More mock settings (faults, how much is published at start). */
  readonly mock?: Partial<MockDatabentoLiveOptions>;
}) {
  const mock = await startMockDatabentoLive({
    apiKey: TEST_API_KEY,
    instruments: TEST_INSTRUMENTS,
    records: minuteBarRecords(options.barCount),
    ...options.mock,
  });
  options.onCleanup(() => mock.close());
  const client = createDatabentoLive({
    apiKey: TEST_API_KEY,
    dataset: 'GLBX.MDP3',
    gateway: mock.gateway,
    env: {},
  });
  options.onCleanup(() => client.close());
  client.subscribe({ schema: 'ohlcv-1m', symbols: 'ESH6', start: BigInt(TAPE_START_MS) * 1_000_000n });
  const live = createLiveBarFeed({ client, schema: 'ohlcv-1m' });
  const clock = createTestClock(TAPE_START_MS);
  return { mock, client, live, clock };
}
