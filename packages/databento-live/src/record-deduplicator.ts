import type { DatabentoRecord } from '@lb/dbn';

/** Identities remembered per rtype (24 bytes each): bounds memory whatever the feed's rate. */
const DEFAULT_RING_CAPACITY = 1 << 18;

/** Recent identities of one rtype, oldest first, in typed arrays (no per-record allocation). */
class IdentityRing {
  readonly tsEvent: BigInt64Array;
  readonly instrumentId: Uint32Array;
  readonly sequence: Uint32Array;
  start = 0;
  size = 0;
  newestNanos = -1n;
  /** Newest ts_event among identities pushed out of the ring (forgotten). */
  forgottenNewestNanos = -1n;
  /** While replaying: identities already delivered with ts_event <= `replayHighWaterNanos`. */
  replayKeys: Set<string> | undefined;
  replayHighWaterNanos = -1n;

  constructor(readonly capacity: number) {
    this.tsEvent = new BigInt64Array(capacity);
    this.instrumentId = new Uint32Array(capacity);
    this.sequence = new Uint32Array(capacity);
  }

  push(tsEvent: bigint, instrumentId: number, sequence: number): void {
    const slot = (this.start + this.size) % this.capacity;
    if (this.size === this.capacity && this.tsEvent[slot]! > this.forgottenNewestNanos) {
      this.forgottenNewestNanos = this.tsEvent[slot]!;
    }
    this.tsEvent[slot] = tsEvent;
    this.instrumentId[slot] = instrumentId;
    this.sequence[slot] = sequence;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
    if (tsEvent > this.newestNanos) this.newestNanos = tsEvent;
  }
}

const identityKey = (instrumentId: number, tsEvent: bigint, sequence: number) =>
  `${instrumentId}:${tsEvent}:${sequence}`;

/**
 * Drops records replayed after a reconnect that were already delivered. Identity: (instrument_id, rtype,
 * ts_event, sequence). In steady state it only appends each record's identity to a fixed-size ring per
 * rtype (typed arrays, no allocation); when a reconnect is prepared ({@link beginReplay}) the identities
 * inside the replay window become a set, and only records at or before the previous newest ts_event are
 * checked against it. A replay never starts at or before a forgotten identity, so memory stays bounded and
 * nothing replayed can slip through as new.
 */
export class RecordDeduplicator {
  readonly #windowNanos: bigint;
  readonly #capacity: number;
  readonly #rings = new Map<number, IdentityRing>();

  constructor(options: { windowNanos: bigint; capacity?: number }) {
    this.#windowNanos = options.windowNanos;
    this.#capacity = options.capacity ?? DEFAULT_RING_CAPACITY;
  }

  /** True the first time a record identity is offered, false for a repeat. */
  admit(record: DatabentoRecord): boolean {
    let ring = this.#rings.get(record.rtype);
    if (ring === undefined) {
      ring = new IdentityRing(this.#capacity);
      this.#rings.set(record.rtype, ring);
    }
    const sequence = (record as { sequence?: number }).sequence ?? 0;
    if (ring.replayKeys !== undefined && record.tsEvent <= ring.replayHighWaterNanos) {
      const key = identityKey(record.instrumentId, record.tsEvent, sequence);
      if (ring.replayKeys.delete(key)) return false;
    }
    ring.push(record.tsEvent, record.instrumentId, sequence);
    return true;
  }

  /**
   * Prepares the replay of records of `rtype` after a reconnect and returns where it must start: the newest
   * ts_event seen minus the window, but after every identity forgotten (pushed out of the full ring), so
   * a replayed record is always recognised. Undefined when none was seen.
   */
  beginReplay(rtype: number): bigint | undefined {
    const ring = this.#rings.get(rtype);
    if (ring === undefined || ring.size === 0) return undefined;
    const wanted = ring.newestNanos - this.#windowNanos;
    const afterForgotten = ring.forgottenNewestNanos + 1n;
    const startNanos = wanted > afterForgotten ? wanted : afterForgotten;
    const keys = new Set<string>();
    for (let offset = 0; offset < ring.size; offset++) {
      const slot = (ring.start + offset) % ring.capacity;
      if (ring.tsEvent[slot]! >= startNanos) {
        keys.add(identityKey(ring.instrumentId[slot]!, ring.tsEvent[slot]!, ring.sequence[slot]!));
      }
    }
    ring.replayKeys = keys;
    ring.replayHighWaterNanos = ring.newestNanos;
    return startNanos;
  }
}
