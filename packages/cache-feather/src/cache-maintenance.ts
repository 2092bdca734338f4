import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { isTemporaryFileName, syncDirectory } from './atomic-write.js';
import { type PartitionManifest, readManifest } from './manifest.js';
import { findDecodingProblem, findPartitionProblem } from './partition-file.js';
import { DATA_EXTENSION, dayStartMs, MANIFEST_EXTENSION } from './partition-layout.js';
import { acquireLock, type HeldLock, withLock } from './partition-lock.js';

const READ_ONLY_CODES = new Set(['EROFS', 'EACCES', 'EPERM']);

/** One partition found by {@link listPartitions}. */
export interface CachedPartition {
  readonly sourceId: string;
  readonly dataset: string;
  readonly schema: string;
  readonly symbol: string;
  readonly day: string;
  readonly rows: number;
  /** Size of the data file. */
  readonly bytes: number;
  readonly writtenAt: Date;
  readonly ageMs: number;
  readonly complete: boolean;
  readonly dataPath: string;
  readonly manifestPath: string;
}

/** A file {@link verifyCache} rejected. */
export interface CacheProblem {
  readonly path: string;
  readonly reason: string;
}

async function listFiles(cacheDir: string): Promise<string[]> {
  try {
    const entries = await readdir(cacheDir, { recursive: true });
    return entries.map((entry) => join(cacheDir, entry));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

// Partitions live exactly at <source>/<dataset>/<schema>/<symbol>/<file>. The default directory is the one
// Lumibot writes its own cache files to: files anywhere else are not ours to list, verify or delete.
const SERIES_FILE_DEPTH = 5;

/** Every file at partition depth. */
async function listSeriesFiles(cacheDir: string): Promise<string[]> {
  return (await listFiles(cacheDir)).filter(
    (path) => relative(cacheDir, path).split(sep).length === SERIES_FILE_DEPTH,
  );
}

/** What `JsonCache` leaves behind: `.<key>.json.tmp-*` and `<key>.json.corrupt-*`. */
const isJsonCacheLeftover = (name: string): boolean => /\.json\.(tmp-|corrupt-)/.test(name);

const isManifest = (path: string): boolean => path.endsWith(MANIFEST_EXTENSION);
const isData = (path: string): boolean => path.endsWith(DATA_EXTENSION);
const dataPathOf = (manifestPath: string): string =>
  manifestPath.slice(0, -MANIFEST_EXTENSION.length) + DATA_EXTENSION;

/** Every partition with a readable manifest, sorted by source, dataset, schema, symbol and day. */
export async function listPartitions(
  cacheDir: string,
  options: { readonly now?: Date } = {},
): Promise<CachedPartition[]> {
  const nowMs = (options.now ?? new Date()).getTime();
  const partitions: CachedPartition[] = [];
  for (const manifestPath of (await listSeriesFiles(cacheDir)).filter(isManifest)) {
    const result = await readManifest(manifestPath);
    if (result.status !== 'ok') continue;
    partitions.push(toCachedPartition(result.manifest, manifestPath, nowMs));
  }
  return partitions.sort((a, b) =>
    [a.sourceId, a.dataset, a.schema, a.symbol, a.day]
      .join('\u0000')
      .localeCompare([b.sourceId, b.dataset, b.schema, b.symbol, b.day].join('\u0000')),
  );
}

function toCachedPartition(
  manifest: PartitionManifest,
  manifestPath: string,
  nowMs: number,
): CachedPartition {
  const writtenAt = new Date(manifest.writtenAt);
  return {
    sourceId: manifest.sourceId,
    dataset: manifest.dataset,
    schema: manifest.schema,
    symbol: manifest.symbol,
    day: manifest.day,
    rows: manifest.rowCount,
    bytes: manifest.byteLength,
    writtenAt,
    ageMs: nowMs - writtenAt.getTime(),
    complete: manifest.complete,
    dataPath: dataPathOf(manifestPath),
    manifestPath,
  };
}

/**
 * Validates every partition completely (size, magic and footer, sha256, decoding, row count) and reports
 * data files without a manifest and unreadable manifests. A file that fails is checked again under its
 * series' lock, so a download caught between its data and manifest renames is not reported. With
 * `quarantine`, bad files are moved aside (`*.corrupt-<timestamp>`, under that lock) so the next read
 * refetches them.
 */
export async function verifyCache(
  cacheDir: string,
  options: { readonly quarantine?: boolean } = {},
): Promise<{ readonly checked: number; readonly problems: readonly CacheProblem[] }> {
  const files = await listSeriesFiles(cacheDir);
  const fileSet = new Set(files);
  const problems: CacheProblem[] = [];
  const suffix = `.corrupt-${Date.now()}`;
  let checked = 0;
  const confirm = async (path: string, recheck: () => Promise<string | undefined>): Promise<void> => {
    let lock: HeldLock | undefined;
    try {
      lock = await acquireLock(join(dirname(path), '.lock'));
    } catch (error) {
      // A read-only copy of a cache has no writers to wait for: verify it without the lock.
      if (!READ_ONLY_CODES.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
    try {
      const reason = await recheck();
      if (reason === undefined) return;
      problems.push({ path, reason });
      if (options.quarantine !== true) return;
      await rename(path, `${path}${suffix}`).catch(() => {});
      if (isData(path)) {
        const manifestPath = path.slice(0, -DATA_EXTENSION.length) + MANIFEST_EXTENSION;
        await rename(manifestPath, `${manifestPath}${suffix}`).catch(() => {});
      }
    } finally {
      await lock?.release();
    }
  };
  for (const dataPath of files.filter(isData)) {
    checked++;
    if ((await findDataFileProblem(dataPath)) !== undefined) {
      await confirm(dataPath, () => findDataFileProblem(dataPath));
    }
  }
  for (const manifestPath of files.filter(isManifest)) {
    if (fileSet.has(dataPathOf(manifestPath))) continue;
    checked++;
    await confirm(manifestPath, async () =>
      (await exists(manifestPath)) && !(await exists(dataPathOf(manifestPath)))
        ? 'manifest without its data file'
        : undefined,
    );
  }
  return { checked, problems };
}

/** What is wrong with a data file and its manifest, or undefined (also when both are gone). */
async function findDataFileProblem(dataPath: string): Promise<string | undefined> {
  const manifestPath = dataPath.slice(0, -DATA_EXTENSION.length) + MANIFEST_EXTENSION;
  const result = await readManifest(manifestPath);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(dataPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (result.status === 'missing') return 'data file without a manifest';
  if (result.status === 'invalid') return result.reason;
  return (
    findPartitionProblem(bytes, result.manifest, { checksum: true }) ??
    findDecodingProblem(bytes, result.manifest)
  );
}

/** Filters of {@link clearCache}; without any, every partition goes. */
export interface ClearCacheOptions {
  /** Only this symbol (raw symbol such as `ESH4`, asset key `stock:AAPL`, or the ticker `AAPL`). */
  readonly symbol?: string;
  /** Only days before this date. */
  readonly before?: Date;
}

/** What {@link clearCache} removed. */
export interface ClearCacheResult {
  readonly removedPartitions: number;
  readonly removedBytes: number;
}

/**
 * Deletes partitions under each series' lock, so a concurrent download is neither cut in half nor robbed of
 * its temporary file. A partition goes atomically: its manifest is first renamed to a temporary name (from
 * then on readers see the day as missing), then the data file and that temporary file are unlinked, and the
 * directory is fsynced; a crash in between leaves only leftovers that readers ignore. Without filters it also
 * removes leftovers: temporary files of crashed writes, `*.corrupt-*` files and data files without a
 * manifest (inside a series under its lock), and JSON cache leftovers (temporary files only when their
 * writer is gone). Files outside the partition layout, such as Lumibot's own cache files in the shared
 * default directory, and the usage ledger are kept.
 */
export async function clearCache(
  cacheDir: string,
  options: ClearCacheOptions = {},
): Promise<ClearCacheResult> {
  const files = await listFiles(cacheDir);
  const wanted = options.symbol?.toUpperCase();
  const beforeMs = options.before?.getTime();
  const unfiltered = wanted === undefined && beforeMs === undefined;
  let removedPartitions = 0;
  let removedBytes = 0;
  // Series directories: those holding a partition file, or a leftover of one.
  const bySeries = new Map<string, string[]>();
  for (const path of files) {
    if (relative(cacheDir, path).split(sep).length !== SERIES_FILE_DEPTH) continue;
    if (!isPartitionFileOrLeftover(basename(path))) continue;
    const list = bySeries.get(dirname(path)) ?? [];
    list.push(path);
    bySeries.set(dirname(path), list);
  }
  for (const [seriesDirectory, paths] of bySeries) {
    await withLock(join(seriesDirectory, '.lock'), {}, async () => {
      for (const manifestPath of paths.filter(isManifest)) {
        const day = basename(manifestPath).slice(0, -MANIFEST_EXTENSION.length);
        const result = await readManifest(manifestPath);
        const symbol = result.status === 'ok' ? result.manifest.symbol : undefined;
        if (wanted !== undefined && !symbolMatches(symbol, wanted)) continue;
        if (beforeMs !== undefined && !(dayStartMs(day) < beforeMs)) continue;
        const dataPath = dataPathOf(manifestPath);
        const size = await sizeOf(dataPath);
        const retired = temporaryPathFor(manifestPath);
        try {
          await rename(manifestPath, retired);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw error;
        }
        await unlinkIfPresent(dataPath);
        await unlinkIfPresent(retired);
        removedBytes += size;
        removedPartitions++;
      }
      if (unfiltered) {
        // Under the lock no writer of this series is mid-write: every leftover here is abandoned.
        for (const path of await listDirectory(seriesDirectory)) {
          const name = basename(path);
          if (
            isTemporaryFileName(name) ||
            name.includes('.corrupt-') ||
            (isData(path) && !(await exists(path.slice(0, -DATA_EXTENSION.length) + MANIFEST_EXTENSION)))
          ) {
            removedBytes += await sizeOf(path);
            await unlinkIfPresent(path);
          }
        }
      }
      await syncDirectory(seriesDirectory);
    });
  }
  if (unfiltered) {
    for (const path of files) {
      if (bySeries.has(dirname(path))) continue;
      const name = basename(path);
      if (!isJsonCacheLeftover(name)) continue;
      const abandoned =
        name.includes('.corrupt-') || (isTemporaryFileName(name) && !(await isWrittenByLiveProcess(path)));
      if (!abandoned) continue;
      removedBytes += await sizeOf(path);
      await unlinkIfPresent(path);
    }
  }
  return { removedPartitions, removedBytes };
}

/** Partition files and what crashed writes, quarantines and clears leave of them. */
function isPartitionFileOrLeftover(name: string): boolean {
  const base = name.replace(/^\./, '').replace(/(\.tmp-.*|\.corrupt-.*)$/, '');
  return base.endsWith(DATA_EXTENSION) || base.endsWith(MANIFEST_EXTENSION);
}

/** A temporary name next to `path` that readers ignore and `clearCache` removes (like `writeFileAtomic`'s). */
function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * True when a temporary file may still be renamed into place: its writer (the pid in the name, as
 * `writeFileAtomic` names them) is running, or, for a name without a pid, it changed within the last hour.
 */
async function isWrittenByLiveProcess(path: string): Promise<boolean> {
  const pid = Number(/\.tmp-(\d+)-[0-9a-f]+$/.exec(basename(path))?.[1]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  try {
    return Date.now() - (await stat(path)).mtimeMs < 3_600_000;
  } catch {
    return false;
  }
}

async function listDirectory(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory)).map((name) => join(directory, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function symbolMatches(symbol: string | undefined, wanted: string): boolean {
  if (symbol === undefined) return false;
  const upper = symbol.toUpperCase();
  return upper === wanted || upper.split(':')[1] === wanted;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
