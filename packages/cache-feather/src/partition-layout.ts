import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where one partition belongs: one file per source, dataset, schema, symbol and UTC day. */
export interface PartitionKey {
  readonly sourceId: string;
  readonly dataset: string;
  readonly schema: string;
  /** Raw symbol (`ESH4`) when the source can locate requests, else the asset key (`stock:AAPL`). */
  readonly symbol: string;
  /** UTC day, `YYYY-MM-DD`. */
  readonly day: string;
}

/** The files of one partition. */
export interface PartitionPaths {
  /** Directory holding every day of one (source, dataset, schema, symbol) series. */
  readonly seriesDirectory: string;
  /** The Arrow IPC file (Feather v2). */
  readonly dataPath: string;
  /** The JSON manifest describing the data file. */
  readonly manifestPath: string;
}

export const DAY_MS = 86_400_000;
export const DATA_EXTENSION = '.feather';
export const MANIFEST_EXTENSION = '.manifest.json';

/**
 * The cache directory: the explicit option, else `LB_CACHE_DIR`, else `~/.lumibot/cache/databento/` (the
 * directory Lumibot users already know).
 */
export function resolveCacheDirectory(cacheDir?: string): string {
  if (cacheDir !== undefined && cacheDir !== '') return cacheDir;
  const fromEnvironment = process.env.LB_CACHE_DIR;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;
  return join(homedir(), '.lumibot', 'cache', 'databento');
}

/**
 * Makes a path segment safe on every file system while staying readable and reversible: letters, digits,
 * `.`, `-` and `_` stay, anything else (`:` in asset keys, `/` in symbols) becomes `%XX`.
 */
export function encodePathSegment(value: string): string {
  const encoded = value.replace(
    // `u`: one match per code point, so a character outside the BMP is encoded whole, not per surrogate.
    /[^A-Za-z0-9._-]/gu,
    (character) =>
      `%${Array.from(Buffer.from(character, 'utf8'))
        .map((byte) => byte.toString(16).toUpperCase().padStart(2, '0'))
        .join('%')}`,
  );
  // `.` and `..` would climb the tree.
  return encoded === '.' || encoded === '..' || encoded === '' ? `%2E${encoded.slice(1)}` : encoded;
}

/** Inverse of {@link encodePathSegment}. */
export function decodePathSegment(segment: string): string {
  return decodeURIComponent(segment);
}

/** Directory of one (source, dataset, schema, symbol) series. */
export function seriesDirectory(cacheDir: string, key: Omit<PartitionKey, 'day'>): string {
  return join(
    cacheDir,
    encodePathSegment(key.sourceId),
    encodePathSegment(key.dataset),
    encodePathSegment(key.schema),
    encodePathSegment(key.symbol),
  );
}

/** The data and manifest paths of a partition. */
export function partitionPaths(cacheDir: string, key: PartitionKey): PartitionPaths {
  const directory = seriesDirectory(cacheDir, key);
  return {
    seriesDirectory: directory,
    dataPath: join(directory, `${key.day}${DATA_EXTENSION}`),
    manifestPath: join(directory, `${key.day}${MANIFEST_EXTENSION}`),
  };
}

/** `YYYY-MM-DD` of the UTC day containing `time`. */
export function utcDay(time: Date | number): string {
  return new Date(typeof time === 'number' ? time : time.getTime()).toISOString().slice(0, 10);
}

/** Midnight UTC opening `day` (`YYYY-MM-DD`), in epoch milliseconds. */
export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/** The UTC days intersecting `[start, end)`, in order. Empty when `end <= start`. */
export function utcDaysCovering(start: Date, end: Date): string[] {
  const days: string[] = [];
  const endMs = end.getTime();
  let dayMs = Math.floor(start.getTime() / DAY_MS) * DAY_MS;
  while (dayMs < endMs) {
    days.push(utcDay(dayMs));
    dayMs += DAY_MS;
  }
  return days;
}
