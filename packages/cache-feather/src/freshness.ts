import type { PartitionManifest } from './manifest.js';
import { DAY_MS, dayStartMs } from './partition-layout.js';

/** What the cache knows about time when deciding whether a partition may be served. */
export interface FreshnessContext {
  /** The clock, epoch ms. */
  readonly nowMs: number;
  /**
   * The origin's available end now, epoch ms, when the source reports it (`doFetchAvailableRange`);
   * undefined when it cannot tell (then partial days expire after `partialDayTtlMs`).
   */
  readonly availableEndMs: number | undefined;
  /** A partial day is refetched once it is this old. */
  readonly partialDayTtlMs: number;
}

/** The part of `day` an origin can serve when its data ends at `availableEndMs`. */
export interface DayCoverage {
  readonly coveredStartMs: number;
  readonly coveredEndMs: number;
  /** The whole day is available: its data will never change. */
  readonly complete: boolean;
}

/** Coverage of a day fetched when the origin's data ended at `availableEndMs`; undefined if none of it is. */
export function dayCoverage(day: string, availableEndMs: number): DayCoverage | undefined {
  const startMs = dayStartMs(day);
  const endMs = startMs + DAY_MS;
  if (availableEndMs <= startMs) return undefined;
  return {
    coveredStartMs: startMs,
    coveredEndMs: Math.min(endMs, availableEndMs),
    complete: availableEndMs >= endMs,
  };
}

/**
 * Whether a cached partition may be served. A complete day never expires: bars of a finished day
 * that the origin had in full do not change. A partial day (today, or a day past the origin's end when it was
 * fetched) may have grown: it is stale once the origin's available end moved past what it covers, or once
 * it is older than the TTL.
 */
export function isPartitionFresh(manifest: PartitionManifest, context: FreshnessContext): boolean {
  if (manifest.complete) return true;
  const coveredEndMs = Date.parse(manifest.coveredEnd);
  if (context.availableEndMs !== undefined && context.availableEndMs > coveredEndMs) return false;
  return context.nowMs - Date.parse(manifest.writtenAt) < context.partialDayTtlMs;
}
