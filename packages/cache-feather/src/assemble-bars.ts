import { allocateBarsColumns, Bars, type BarsRequest, copyBarsColumns } from '@lb/core';
import { DAY_MS, dayStartMs } from './partition-layout.js';

/**
 * Joins day partitions into one series cut to `[start, end)`, copying each column once (always: parts read
 * from disk are views into a reused buffer). Stitched series (segments, several symbols) go through
 * `Bars.concat`, which keeps their segments and copies too.
 */
export function assembleBars(parts: readonly Bars[], request: BarsRequest, symbol: string): Bars {
  const simple = parts.every(
    (part) => part.metadata.segments === undefined && (part.length === 0 || part.metadata.symbol === symbol),
  );
  if (!simple)
    return Bars.concat(parts, { symbol, timestep: request.timestep }).between(request.start, request.end);
  const windows = parts
    .map((part) => part.between(request.start, request.end))
    .filter((part) => part.length > 0);
  // No shortcut for a single window: it would be a view into the read arena, which the next read overwrites.
  const total = windows.reduce((sum, part) => sum + part.length, 0);
  const columns = allocateBarsColumns(total);
  let offset = 0;
  for (const part of windows) offset = copyBarsColumns(columns, offset, part);
  return Bars.fromColumns(columns, { symbol, timestep: request.timestep });
}

/** Splits sorted days into runs of consecutive days, each fetched in one request. */
export function consecutiveRuns(days: readonly string[]): string[][] {
  const runs: string[][] = [];
  for (const day of days) {
    const run = runs.at(-1);
    if (run !== undefined && dayStartMs(day) - dayStartMs(run.at(-1)!) === DAY_MS) run.push(day);
    else runs.push([day]);
  }
  return runs;
}
