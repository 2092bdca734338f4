import {
  type Asset,
  Bars,
  continuousFuture,
  createTimestep,
  future,
  parseContractSymbol,
  stock,
  type Timestep,
} from '@lb/core';
import { type DatabentoOhlcvRecord, DatabentoRType } from '@lb/dbn';
import type { DatabentoLiveClient, LiveRecord, LiveSymbolMapping } from './live-client.js';
import { priceFromRaw } from './price.js';

/** Closed bars of one asset from one batch of records, in core's columnar {@link Bars}. */
export interface LiveBarsUpdate {
  /** The asset as subscribed: a continuous future for `ES.c.0`, a dated future for `ESH6` or `ES.FUT` contracts. */
  readonly asset: Asset;
  /** The instrument's raw symbol (`ESH6`), also in `bars.metadata.symbol`. */
  readonly symbol: string;
  readonly instrumentId: number;
  /** One or more closed bars, sorted by open time, stamped at their open. */
  readonly bars: Bars;
}

/**
 * A feed of closed bars in core's vocabulary, for a live engine. The contract, which any implementation
 * (this Databento one, a broker's, a replay) keeps:
 * - every bar yielded is closed: its open plus `timestep` is at or before the moment it is yielded, so a
 *   strategy at T sees only bars closed at or before T (no lookahead);
 * - per asset, bars arrive once each, in strictly increasing open time;
 * - iteration ends when the feed is closed or the signal aborts, and throws the feed's fatal error.
 */
export interface LiveBarFeed {
  /** Duration of every bar. */
  readonly timestep: Timestep;
  /** Updates as bars close. One consumer per feed; leaving the loop closes the feed. */
  updates(options?: { signal?: AbortSignal }): AsyncGenerator<LiveBarsUpdate>;
  /** Stops the feed and its connection. */
  close(): Promise<void>;
}

const TIMESTEP_BY_RTYPE: Record<number, Timestep> = {
  [DatabentoRType.Ohlcv1s]: createTimestep('second'),
  [DatabentoRType.Ohlcv1m]: createTimestep('minute'),
  [DatabentoRType.Ohlcv1h]: createTimestep('hour'),
  [DatabentoRType.Ohlcv1d]: createTimestep('day'),
};

const RTYPE_BY_SCHEMA: Record<string, number> = {
  'ohlcv-1s': DatabentoRType.Ohlcv1s,
  'ohlcv-1m': DatabentoRType.Ohlcv1m,
  'ohlcv-1h': DatabentoRType.Ohlcv1h,
};

/** Options of {@link createLiveBarFeed}. */
export interface LiveBarFeedOptions {
  /** A client subscribed to `schema` (the feed becomes its record consumer). */
  readonly client: DatabentoLiveClient;
  /** `ohlcv-1s`, `ohlcv-1m` or `ohlcv-1h`. */
  readonly schema: 'ohlcv-1s' | 'ohlcv-1m' | 'ohlcv-1h';
  /** Current time in UTC ns (tests). Default: the system clock. */
  readonly nowNanos?: () => bigint;
  /** Most bars gathered into one update batch. Default 4096. */
  readonly maxBatchBars?: number;
}

/** The asset a mapping stands for: continuous symbols map to the root's continuous future. */
export function assetForMapping(
  mapping: LiveSymbolMapping | undefined,
  instrumentId: number,
): { asset: Asset; symbol: string } {
  const symbol = mapping?.rawSymbol ?? String(instrumentId);
  if (mapping?.stypeIn === 'continuous') {
    return { asset: continuousFuture(mapping.subscribedSymbol.split('.')[0]!), symbol };
  }
  return { asset: parseContractSymbol(symbol) === null ? stock(symbol) : future(symbol), symbol };
}

interface PendingBar {
  readonly record: DatabentoOhlcvRecord;
  readonly mapping: LiveSymbolMapping | undefined;
}

/**
 * Turns a live client's OHLCV records into a {@link LiveBarFeed}. A bar is released once its interval has
 * closed: when the gateway's end-of-interval message (or the clock) has passed its open plus the
 * timestep. The gateway publishes OHLCV bars after their interval, so in practice bars pass straight
 * through; the check guards against early or replayed-out-of-order delivery.
 */
export function createLiveBarFeed(options: LiveBarFeedOptions): LiveBarFeed {
  const rtype = RTYPE_BY_SCHEMA[options.schema]!;
  const timestep = TIMESTEP_BY_RTYPE[rtype]!;
  const client = options.client;
  const nowNanos = options.nowNanos ?? (() => BigInt(Date.now()) * 1_000_000n);
  const maxBatchBars = options.maxBatchBars ?? 4096;
  const pending: PendingBar[] = [];
  const lastOpenByInstrument = new Map<number, bigint>();
  let wake: (() => void) | undefined;
  const onSystem = (message: { kind: string }) => {
    if (message.kind === 'end_of_interval') wake?.();
  };

  const closedThrough = () => {
    const now = nowNanos();
    const endOfInterval = client.intervalClosedThroughNanos;
    // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.max rejects
    return endOfInterval > now ? endOfInterval : now;
  };

  const takeClosed = (): LiveBarsUpdate[] => {
    const clock = closedThrough();
    const groups = new Map<number, PendingBar[]>();
    for (let index = 0; index < pending.length; ) {
      const bar = pending[index]!;
      if (bar.record.tsEvent + timestep.durationNanos <= clock) {
        pending.splice(index, 1);
        const group = groups.get(bar.record.instrumentId) ?? [];
        group.push(bar);
        groups.set(bar.record.instrumentId, group);
      } else index++;
    }
    const updates: LiveBarsUpdate[] = [];
    for (const [instrumentId, group] of groups) {
      group.sort((left, right) => (left.record.tsEvent < right.record.tsEvent ? -1 : 1));
      const { asset, symbol } = assetForMapping(group.at(-1)!.mapping, instrumentId);
      const rows = group.map(({ record }) => ({
        tsEventNanos: record.tsEvent,
        open: priceFromRaw(record.open),
        high: priceFromRaw(record.high),
        low: priceFromRaw(record.low),
        close: priceFromRaw(record.close),
        volume: Number(record.volume),
      }));
      updates.push({ asset, symbol, instrumentId, bars: Bars.fromRows(rows, { symbol, timestep }) });
    }
    return updates;
  };

  const accept = (item: LiveRecord) => {
    const record = item.record;
    if (record.rtype !== rtype) return;
    // Per instrument, a bar at or before the last one released would break the feed's ordering.
    const last = lastOpenByInstrument.get(record.instrumentId);
    if (last !== undefined && record.tsEvent <= last) return;
    lastOpenByInstrument.set(record.instrumentId, record.tsEvent);
    pending.push({ record: record as DatabentoOhlcvRecord, mapping: item.mapping });
  };

  const earliestCloseMs = (): number | undefined => {
    let earliest: bigint | undefined;
    for (const bar of pending) {
      const close = bar.record.tsEvent + timestep.durationNanos;
      if (earliest === undefined || close < earliest) earliest = close;
    }
    return earliest === undefined ? undefined : Number((earliest - nowNanos()) / 1_000_000n);
  };

  let consumed = false;
  return {
    timestep,
    async *updates(callOptions = {}) {
      if (consumed) throw new Error('This live bar feed already has a consumer.');
      consumed = true;
      client.on('system', onSystem);
      const iterator = client.records(callOptions);
      let next = iterator.next();
      let timer: NodeJS.Timeout | undefined;
      try {
        for (;;) {
          for (const update of takeClosed()) yield update;
          const waitMs = earliestCloseMs();
          const woken = new Promise<undefined>((resolve) => {
            wake = () => resolve(undefined);
            if (waitMs !== undefined) timer = setTimeout(() => resolve(undefined), Math.max(0, waitMs) + 1);
          });
          const result = await Promise.race([next, woken]);
          clearTimeout(timer);
          wake = undefined;
          if (result === undefined) continue;
          if (result.done) return;
          accept(result.value);
          next = iterator.next();
          // Gather what is already queued into the same batch, so updates carry many bars at once.
          let gathered = 1;
          while (client.stats.queued > 0 && gathered < maxBatchBars) {
            const more = await next;
            if (more.done) break;
            accept(more.value);
            next = iterator.next();
            gathered++;
          }
        }
      } finally {
        clearTimeout(timer);
        client.off('system', onSystem);
        // The feed is the client's only record consumer, so leaving the loop ends the session; closing also
        // settles the record read still pending, which `iterator.return()` alone would wait for forever.
        await client.close();
        await iterator.return(undefined);
      }
    },
    close: () => client.close(),
  };
}
