import type { DatabentoRecord } from '@lb/databento';

interface RTypeWindow {
  readonly seen: Map<string, bigint>;
  newestNanos: bigint;
  pruneAt: number;
}

/**
 * Remembers the identity (instrument, rtype, ts_event, sequence) of recent records so that records
 * replayed after a reconnect are delivered once. Per rtype, only records within `windowNanos` of that
 * rtype's newest ts_event are kept: a replay of that schema starts at newest minus the window (see
 * {@link RecordDeduplicator.replayStartNanos}), so older identities can never repeat.
 */
export class RecordDeduplicator {
  readonly #windowNanos: bigint;
  readonly #windows = new Map<number, RTypeWindow>();

  constructor(options: { windowNanos: bigint }) {
    this.#windowNanos = options.windowNanos;
  }

  /** True the first time a record identity is offered, false for a repeat. */
  admit(record: DatabentoRecord): boolean {
    let window = this.#windows.get(record.rtype);
    if (window === undefined) {
      window = { seen: new Map(), newestNanos: -1n, pruneAt: 1024 };
      this.#windows.set(record.rtype, window);
    }
    // Older than anything a replay resends and than anything remembered: new by construction.
    if (record.tsEvent < window.newestNanos - this.#windowNanos) return true;
    const sequence = (record as { sequence?: number }).sequence ?? 0;
    const key = `${record.instrumentId}:${record.tsEvent}:${sequence}`;
    if (window.seen.has(key)) return false;
    window.seen.set(key, record.tsEvent);
    if (record.tsEvent > window.newestNanos) window.newestNanos = record.tsEvent;
    if (window.seen.size >= window.pruneAt) {
      const oldest = window.newestNanos - this.#windowNanos;
      for (const [seenKey, tsEvent] of window.seen) if (tsEvent < oldest) window.seen.delete(seenKey);
      window.pruneAt = Math.max(1024, window.seen.size * 2);
    }
    return true;
  }

  /**
   * Where a replay of records of `rtype` must start so that nothing after the last one seen is lost:
   * the newest ts_event seen minus the window, or undefined when none was seen.
   */
  replayStartNanos(rtype: number): bigint | undefined {
    const window = this.#windows.get(rtype);
    return window === undefined ? undefined : window.newestNanos - this.#windowNanos;
  }

  /** Identities currently remembered, across rtypes (bounded by the records inside the windows). */
  get size(): number {
    let total = 0;
    for (const window of this.#windows.values()) total += window.seen.size;
    return total;
  }
}
