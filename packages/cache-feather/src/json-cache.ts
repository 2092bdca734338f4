import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';
import { type CacheLogger, defaultLogger } from './logger.js';
import { encodePathSegment, resolveCacheDirectory } from './partition-layout.js';
import { withLock } from './partition-lock.js';

/** Settings of {@link JsonCache}. */
export interface JsonCacheOptions {
  /** Cache root; defaults like the bar cache (`LB_CACHE_DIR`, then `~/.lumibot/cache/databento/`). */
  readonly cacheDir?: string;
  /** Sub-directory for this kind of value, e.g. `databento/symbology`. Each `/` part is encoded. */
  readonly namespace: string;
  readonly logger?: CacheLogger;
}

/** Options of one lookup. */
export interface JsonCacheGetOptions<T> {
  /** Validates the stored value; a value that fails is treated as corrupt (moved aside, refetched). */
  readonly schema?: z.ZodType<T>;
  /** Entries older than this are refetched. Default: never expire. */
  readonly maxAgeMs?: number;
  /** Ignore the stored value and fetch again. */
  readonly forceUpdate?: boolean;
}

const ENVELOPE_VERSION = 1;

interface Envelope {
  readonly formatVersion: number;
  readonly key: string;
  readonly writtenAt: string;
  readonly value: unknown;
}

/**
 * A small cache of JSON values (instrument definitions, symbology results) with the same guarantees as the
 * bar cache: atomic writes, one fetch at a time per key across processes, corrupt files moved aside.
 *
 * ```ts
 * const symbology = new JsonCache({ namespace: 'databento/symbology' });
 * const mapping = await symbology.getOrFetch(`GLBX.MDP3/ES.c.0/${day}`, () => resolveSymbols(...));
 * ```
 */
export class JsonCache {
  readonly directory: string;
  readonly #logger: CacheLogger;

  constructor(options: JsonCacheOptions) {
    this.directory = join(
      resolveCacheDirectory(options.cacheDir),
      ...options.namespace
        .split('/')
        .filter((part) => part !== '')
        .map(encodePathSegment),
    );
    this.#logger = options.logger ?? defaultLogger;
  }

  /** Path of the file holding `key`. */
  pathOf(key: string): string {
    return join(this.directory, `${encodePathSegment(key)}.json`);
  }

  /** The stored value, or undefined when absent, expired, or corrupt (corrupt files are moved aside). */
  async get<T>(key: string, options: JsonCacheGetOptions<T> = {}): Promise<T | undefined> {
    const path = this.pathOf(key);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
      if (
        envelope.formatVersion !== ENVELOPE_VERSION ||
        envelope.key !== key ||
        typeof envelope.writtenAt !== 'string' ||
        Number.isNaN(Date.parse(envelope.writtenAt))
      )
        throw new Error('bad envelope');
    } catch {
      await this.#quarantine(path, 'not a valid cache entry');
      return undefined;
    }
    if (options.maxAgeMs !== undefined && Date.now() - Date.parse(envelope.writtenAt) >= options.maxAgeMs) {
      return undefined;
    }
    if (options.schema !== undefined) {
      const parsed = options.schema.safeParse(envelope.value);
      if (!parsed.success) {
        await this.#quarantine(path, 'value does not match the expected schema');
        return undefined;
      }
      return parsed.data;
    }
    return envelope.value as T;
  }

  /** Stores `value` atomically. */
  async set(key: string, value: unknown): Promise<void> {
    const envelope: Envelope = {
      formatVersion: ENVELOPE_VERSION,
      key,
      writtenAt: new Date().toISOString(),
      value,
    };
    await writeFileAtomic(this.pathOf(key), `${JSON.stringify(envelope)}\n`);
  }

  /**
   * The stored value, or the result of `fetch` (then stored). Concurrent callers in any process share one
   * fetch: the second waits for the lock, then finds the value the first stored.
   */
  async getOrFetch<T>(
    key: string,
    fetch: () => Promise<T>,
    options: JsonCacheGetOptions<T> = {},
  ): Promise<T> {
    if (options.forceUpdate !== true) {
      const cached = await this.get(key, options);
      if (cached !== undefined) return cached;
    }
    return withLock(`${this.pathOf(key)}.lock`, {}, async () => {
      if (options.forceUpdate !== true) {
        const cached = await this.get(key, options);
        if (cached !== undefined) return cached;
      }
      const value = await fetch();
      await this.set(key, value);
      return value;
    });
  }

  async #quarantine(path: string, reason: string): Promise<void> {
    const aside = `${path}.corrupt-${Date.now()}`;
    try {
      await rename(path, aside);
      this.#logger.warn(`${path}: ${reason}; moved to ${aside} and will be refetched.`);
    } catch (error) {
      this.#logger.warn(
        `${path}: ${reason}; could not move it aside (${(error as Error).message}), it will be refetched over.`,
      );
    }
  }
}
