import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** File name of the ledger inside the cache directory. */
export const USAGE_LEDGER_FILE = 'usage.jsonl';

/** One line of `usage.jsonl`: a download from the origin, or a request served from the cache. */
export interface UsageEntry {
  /** When it happened (ISO 8601). */
  readonly time: string;
  readonly sourceId: string;
  readonly dataset: string;
  readonly schema: string;
  readonly symbols: readonly string[];
  /** Requested or downloaded range, ISO 8601, end exclusive. */
  readonly start: string;
  readonly end: string;
  /** Bytes downloaded (billed), or for cache hits the bytes the served partitions cost when downloaded. */
  readonly bytes: number;
  /** Records downloaded, or rows served from the cache. */
  readonly records: number;
  readonly costUsd?: number;
  readonly servedFromCache: boolean;
  /**
   * Links a download to the intent written before it started. `pending`: a download is about to start
   * (`costUsd` is the estimate); it stays unconfirmed until a line with the same `intentId` settles it, so a
   * process killed mid-download still shows the spend. `failed`: the download did not complete (counted as
   * spent only when bytes were received).
   */
  readonly intentId?: string;
  readonly status?: 'pending' | 'failed';
}

const usageEntrySchema = z.object({
  time: z.string(),
  sourceId: z.string(),
  dataset: z.string(),
  schema: z.string(),
  symbols: z.array(z.string()),
  start: z.string(),
  end: z.string(),
  bytes: z.number(),
  records: z.number(),
  costUsd: z.number().optional(),
  servedFromCache: z.boolean(),
  intentId: z.string().optional(),
  status: z.enum(['pending', 'failed']).optional(),
});

/**
 * Appends one entry. The file is opened with O_APPEND and the line goes out in one write, so lines from
 * concurrent processes never interleave (POSIX appends of a small buffer are atomic on local disks).
 */
export async function appendUsage(cacheDir: string, entry: UsageEntry): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const handle = await open(join(cacheDir, USAGE_LEDGER_FILE), 'a');
  try {
    await handle.write(`${JSON.stringify(entry)}\n`);
  } finally {
    await handle.close();
  }
}

/** Reads every well-formed entry (a torn or foreign line is skipped, not fatal). */
export async function readUsage(cacheDir: string): Promise<UsageEntry[]> {
  let text: string;
  try {
    text = await readFile(join(cacheDir, USAGE_LEDGER_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: UsageEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseEntry(line) ?? parseEntry(line.slice(line.lastIndexOf(ENTRY_START)));
    if (entry !== undefined) entries.push(entry);
  }
  return entries;
}

// Every line starts so (`time` is the first key). A writer killed mid-line leaves a fragment without a
// newline, and the next append lands on the same line: the entry after the fragment is still whole.
const ENTRY_START = '{"time":';

function parseEntry(text: string): UsageEntry | undefined {
  try {
    const parsed = usageEntrySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Spending and savings for one UTC day and symbol. */
export interface UsageSummaryRow {
  /** `YYYY-MM-DD` (UTC) of the entries. */
  readonly day: string;
  readonly symbol: string;
  readonly downloads: number;
  readonly downloadedBytes: number;
  readonly downloadedRecords: number;
  readonly spentUsd: number;
  readonly cacheHits: number;
  readonly rowsFromCache: number;
  /** Bytes not downloaded again thanks to the cache. */
  readonly savedBytes: number;
  readonly savedUsd: number;
  /** Downloads started but never confirmed (a process killed mid-download, or one still running). */
  readonly unconfirmedDownloads: number;
  /** Their estimated cost: likely billed, not in `spentUsd`. */
  readonly unconfirmedUsd: number;
}

/** Result of {@link summarizeUsage}. */
export interface UsageSummary {
  readonly rows: readonly UsageSummaryRow[];
  readonly totals: Omit<UsageSummaryRow, 'day' | 'symbol'>;
}

/**
 * Sums the ledger per UTC day and symbol: what was downloaded (bytes, USD), what the cache saved, and
 * downloads started but never confirmed (their estimate). An entry with several symbols is split evenly.
 */
export async function summarizeUsage(
  cacheDir: string,
  options: { readonly since?: Date } = {},
): Promise<UsageSummary> {
  const sinceMs = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const byKey = new Map<string, Mutable<UsageSummaryRow>>();
  const totals: Mutable<UsageSummary['totals']> = emptyTotals();
  const entries = await readUsage(cacheDir);
  const settled = new Set<string>();
  for (const entry of entries) {
    if (entry.intentId !== undefined && entry.status !== 'pending') settled.add(entry.intentId);
  }
  for (const entry of entries) {
    if (entry.status === 'pending' && settled.has(entry.intentId ?? '')) continue;
    const timeMs = Date.parse(entry.time);
    if (!(timeMs >= sinceMs)) continue;
    const day = entry.time.slice(0, 10);
    const symbols = entry.symbols.length > 0 ? entry.symbols : ['(none)'];
    const share = 1 / symbols.length;
    for (const symbol of symbols) {
      const key = `${day}\u0000${symbol}`;
      let row = byKey.get(key);
      if (row === undefined) {
        row = { day, symbol, ...emptyTotals() };
        byKey.set(key, row);
      }
      for (const target of [row, totals]) addEntry(target, entry, share);
    }
  }
  const rows = [...byKey.values()].sort((a, b) =>
    a.day === b.day ? a.symbol.localeCompare(b.symbol) : a.day.localeCompare(b.day),
  );
  return { rows, totals };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function emptyTotals(): Mutable<UsageSummary['totals']> {
  return {
    downloads: 0,
    downloadedBytes: 0,
    downloadedRecords: 0,
    spentUsd: 0,
    cacheHits: 0,
    rowsFromCache: 0,
    savedBytes: 0,
    savedUsd: 0,
    unconfirmedDownloads: 0,
    unconfirmedUsd: 0,
  };
}

function addEntry(target: Mutable<UsageSummary['totals']>, entry: UsageEntry, share: number): void {
  if (entry.status === 'pending') {
    target.unconfirmedDownloads += share;
    target.unconfirmedUsd += (entry.costUsd ?? 0) * share;
  } else if (entry.status === 'failed') {
    if (entry.bytes === 0) return;
    target.downloads += share;
    target.downloadedBytes += entry.bytes * share;
    target.spentUsd += (entry.costUsd ?? 0) * share;
  } else if (entry.servedFromCache) {
    target.cacheHits += share;
    target.rowsFromCache += entry.records * share;
    target.savedBytes += entry.bytes * share;
    target.savedUsd += (entry.costUsd ?? 0) * share;
  } else {
    target.downloads += share;
    target.downloadedBytes += entry.bytes * share;
    target.downloadedRecords += entry.records * share;
    target.spentUsd += (entry.costUsd ?? 0) * share;
  }
}
