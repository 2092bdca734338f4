import { describe, expect, it } from 'vitest';
import { tradeTape } from './__fixtures__/tape.js';
import { RecordDeduplicator } from './record-deduplicator.js';

describe('RecordDeduplicator', () => {
  it('should drop replayed identities once and admit records it never saw', () => {
    const deduplicator = new RecordDeduplicator({ windowNanos: 2_000_000n });
    const tape = tradeTape(10);
    for (const record of tape.slice(0, 6)) expect(deduplicator.admit(record)).toBe(true);
    // Newest seen is trade 5 (5 ms): the replay starts 2 ms earlier, at trade 3.
    expect(deduplicator.beginReplay(0)).toBe(tape[3]!.tsEvent);
    expect(tape.slice(3).map((record) => deduplicator.admit(record))).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
    // The same identity twice in a replay is a second, distinct delivery only if it was never seen before.
    expect(deduplicator.admit(tape[9]!)).toBe(true);
  });

  it('should never replay from before the oldest identity it still holds', () => {
    const deduplicator = new RecordDeduplicator({ windowNanos: 1_000_000_000n, capacity: 4 });
    const tape = tradeTape(10);
    for (const record of tape) deduplicator.admit(record);
    // Only trades 6..9 are held: the replay starts just after trade 5, the newest identity forgotten.
    expect(deduplicator.beginReplay(0)).toBe(tape[5]!.tsEvent + 1n);
    expect(deduplicator.beginReplay(0x21)).toBeUndefined();
  });
});
