import { describe, expect, it } from 'vitest';
import { DataFeed } from './data-feed.js';
import { FuturesLedger } from './futures-ledger.js';
import { SimulatedBroker } from './simulated-broker.js';

describe('SimulatedBroker', () => {
  it('should format instants exactly like Date#toISOString', () => {
    const broker = new SimulatedBroker({
      ledger: new FuturesLedger(0),
      feed: new DataFeed({ dataSource: {} as never, startMs: 0, endMs: 0 }),
      buyFees: [],
      sellFees: [],
      slippageTicks: 0,
      instrumentAt: () => {
        throw new Error('unused');
      },
      emitFillEvents: false,
      emitCancelEvents: false,
      emitNewOrderEvents: false,
      rollExitOrders: 'move',
      clockMs: () => 0,
      fillSeriesOf: () => undefined,
    });
    const instants = [
      0, 1, 59_999, 1_709_562_600_000, 1_709_562_600_123, 1_709_596_799_999, -86_400_001, 4_102_444_800_007,
    ];
    for (const instant of instants) expect(broker.isoTime(instant)).toBe(new Date(instant).toISOString());
  });
});
