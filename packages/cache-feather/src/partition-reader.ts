import { readFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bars } from '@lb/core';
import { isPartitionFresh } from './freshness.js';
import type { CacheLogger } from './logger.js';
import { type ManifestReadResult, type PartitionManifest, parseManifest } from './manifest.js';
import {
  decodePartition,
  findBarsProblem,
  findPartitionProblem,
  type ReadArena,
  readPartitionFileSync,
} from './partition-file.js';
import { DATA_EXTENSION, MANIFEST_EXTENSION, type PartitionKey, partitionPaths } from './partition-layout.js';

// Entries kept in the per-cache memos of parsed manifests and verified checksums (~100 years of days).
const MEMO_LIMIT = 40_000;

/** A series: a partition key without its day. */
export type SeriesKey = Omit<PartitionKey, 'day'>;

/** A day answered by the cache. */
export interface DayHit {
  readonly bars: Bars;
  readonly manifest: PartitionManifest;
  /** True when read from disk, false when downloaded by this call. */
  readonly fromDisk: boolean;
}

/** What the cache holds for one day. */
export type DayLookup =
  | { readonly status: 'hit'; readonly hit: DayHit }
  | { readonly status: 'missing' }
  | { readonly status: 'stale' }
  | { readonly status: 'invalid'; readonly reason: string };

/** Settings of {@link PartitionReader}. */
export interface PartitionReaderOptions {
  readonly cacheDir: string;
  readonly logger: CacheLogger;
  readonly checksums: 'on-change' | 'always' | 'never';
  readonly partialDayTtlMs: number;
  readonly now: () => Date;
}

/** One day to look up. */
export interface DayLookupRequest {
  readonly directory: string;
  readonly day: string;
  /** The origin's available end, asked only when a partial day needs it. */
  readonly availableEnd: () => Promise<number | undefined>;
  /** The manifest, when already read. */
  readonly manifestResult?: ManifestReadResult;
  readonly arena?: ReadArena;
}

/**
 * Reads day partitions and decides whether each may be served: the manifest (its own checksum, its day),
 * the data file against the manifest (size, magic, Arrow row count, layout, sha256 as configured), the
 * decoded bars against the covered range, and freshness. Memoizes what it has verified.
 */
export class PartitionReader {
  readonly #options: PartitionReaderOptions;
  // Data file path -> identity (inode, size, times) and sha256 when its checksum last matched.
  readonly #verified = new Map<string, string>();
  // Manifest path -> last text read and its parsed form: an unchanged manifest is not re-validated.
  readonly #parsedManifests = new Map<string, { text: string; result: ManifestReadResult }>();

  constructor(options: PartitionReaderOptions) {
    this.#options = options;
  }

  /** Reads and validates a manifest, reusing the parsed form while its text is unchanged. */
  readManifest(path: string): ManifestReadResult {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      return { status: 'invalid', reason: `unreadable manifest (${(error as Error).message})` };
    }
    const known = this.#parsedManifests.get(path);
    if (known !== undefined && known.text === text) return known.result;
    const result = parseManifest(text);
    // Bounded: a process touching more partitions than this simply re-parses.
    if (this.#parsedManifests.size >= MEMO_LIMIT) this.#parsedManifests.clear();
    this.#parsedManifests.set(path, { text, result });
    return result;
  }

  /** The manifest of `day` in `directory`. */
  readDayManifest(directory: string, day: string): ManifestReadResult {
    return this.readManifest(join(directory, `${day}${MANIFEST_EXTENSION}`));
  }

  /** Whether `day` can be served from disk, and its bars when it can. */
  async lookupDay(request: DayLookupRequest): Promise<DayLookup> {
    const { directory, day, arena } = request;
    const manifestResult = request.manifestResult ?? this.readDayManifest(directory, day);
    const dataPath = join(directory, `${day}${DATA_EXTENSION}`);
    if (manifestResult.status === 'missing') return { status: 'missing' };
    if (manifestResult.status === 'invalid') return { status: 'invalid', reason: manifestResult.reason };
    const manifest = manifestResult.manifest;
    if (manifest.day !== day) {
      return { status: 'invalid', reason: `manifest describes ${manifest.day}, not ${day}` };
    }
    const file = readPartitionFileSync(
      dataPath,
      manifest.byteLength,
      arena ? (size) => arena.take(size) : undefined,
    );
    if (file === undefined) return { status: 'invalid', reason: 'manifest without its data file' };
    if ('sizeMismatch' in file) {
      return {
        status: 'invalid',
        reason: `file has ${file.sizeMismatch} bytes, manifest says ${manifest.byteLength}`,
      };
    }
    const bytes = file.bytes;
    const identity = `${file.identity}:${manifest.sha256}`;
    const { checksums } = this.#options;
    const hash =
      checksums === 'always' || (checksums === 'on-change' && this.#verified.get(dataPath) !== identity);
    const problem = findPartitionProblem(bytes, manifest, { checksum: hash });
    if (problem !== undefined) {
      this.#verified.delete(dataPath);
      return { status: 'invalid', reason: problem };
    }
    if (hash) {
      if (this.#verified.size >= MEMO_LIMIT) this.#verified.clear();
      this.#verified.set(dataPath, identity);
    }
    if (!manifest.complete) {
      const fresh = isPartitionFresh(manifest, {
        nowMs: this.#options.now().getTime(),
        availableEndMs: await request.availableEnd(),
        partialDayTtlMs: this.#options.partialDayTtlMs,
      });
      if (!fresh) return { status: 'stale' };
    }
    let bars: Bars;
    try {
      bars = decodePartition(bytes, manifest);
    } catch (error) {
      return { status: 'invalid', reason: (error as Error).message };
    }
    const barsProblem = findBarsProblem(bars, manifest);
    if (barsProblem !== undefined) {
      this.#verified.delete(dataPath);
      return { status: 'invalid', reason: barsProblem };
    }
    return { status: 'hit', hit: { bars, manifest, fromDisk: true } };
  }

  /** Moves a day's files aside (`.corrupt-<ms>`) with a warning; the caller refetches the day. */
  async quarantine(series: SeriesKey, day: string, reason: string): Promise<void> {
    const paths = partitionPaths(this.#options.cacheDir, { ...series, day });
    const suffix = `.corrupt-${Date.now()}`;
    const failures: string[] = [];
    for (const path of [paths.dataPath, paths.manifestPath]) {
      try {
        await rename(path, `${path}${suffix}`);
      } catch (error) {
        // ENOENT: that half was already gone. Anything else is reported; the refetch overwrites the file.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') failures.push((error as Error).message);
      }
    }
    this.#options.logger.warn(
      failures.length === 0
        ? `${paths.dataPath}: ${reason}; moved aside (${suffix}) and refetching.`
        : `${paths.dataPath}: ${reason}; could not move it aside (${failures.join('; ')}), refetching over it.`,
    );
  }
}
