import type { CachedPartition } from '@lb/cache-feather';
import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { loadCacheFeather } from './optional-package.js';
import { requireCreatableDirectory } from './path-arguments.js';
import { UsageError } from './usage-error.js';

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` day (midnight UTC) or an ISO-8601 instant with an offset. */
function parseDate(text: string, option: string): Date {
  const date = DATE_PATTERN.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(text);
  const valid =
    !Number.isNaN(date.getTime()) &&
    (!DATE_PATTERN.test(text) || date.toISOString().slice(0, 10) === text) &&
    (DATE_PATTERN.test(text) || /T.*(Z|[+-]\d{2}:\d{2})$/i.test(text));
  if (!valid) {
    throw new UsageError(
      `${option} must be a day like 2024-01-31 (UTC) or an ISO-8601 instant with an offset; got ${JSON.stringify(text)}`,
    );
  }
  return date;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

function formatAge(milliseconds: number): string {
  const minutes = Math.floor(milliseconds / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** Left-aligned columns separated by two spaces. */
function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

// A cache folder that is a file or an impossible path is bad usage, named before anything reads it.
async function cacheDirectory(
  cache: typeof import('@lb/cache-feather'),
  option: string | undefined,
): Promise<string> {
  const directory = cache.resolveCacheDirectory(option);
  await requireCreatableDirectory(
    directory,
    option === undefined ? 'cache folder (LB_CACHE_DIR)' : '--cache-dir',
  );
  return directory;
}

const CACHE_DIR_HELP = 'cache directory (default: LB_CACHE_DIR, else ~/.lumibot/cache/databento)';

/**
 * Registers `lb usage` (what downloads cost and what the cache saved, per day and symbol, from the usage
 * ledger) and `lb cache ls | verify | clear` for the Feather cache.
 */
export function registerCacheCommand(program: Command, io: CliIo): void {
  program
    .command('usage')
    .description('Show downloaded bytes and cost, and what the cache saved, per UTC day and symbol')
    .option('--since <date>', 'only entries at or after this day (YYYY-MM-DD, UTC) or instant')
    .option('--cache-dir <dir>', CACHE_DIR_HELP)
    .option('--json', 'print the summary as JSON')
    .action(async (options: { since?: string; cacheDir?: string; json?: boolean }) => {
      const cache = await loadCacheFeather();
      const since = options.since === undefined ? undefined : parseDate(options.since, '--since');
      const summary = await cache.summarizeUsage(
        await cacheDirectory(cache, options.cacheDir),
        since ? { since } : {},
      );
      if (options.json === true) {
        io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      if (summary.rows.length === 0) {
        io.stdout('No usage recorded.\n');
        return;
      }
      // Downloads started but never confirmed (a process killed mid-download, or one still running) are
      // likely billed: show them, in their own columns, only when there are any.
      const unconfirmed = summary.totals.unconfirmedDownloads > 0;
      const header = ['day', 'symbol', 'downloads', 'downloaded', 'spent', 'cache hits', 'saved', 'saved $'];
      if (unconfirmed) header.push('unconfirmed', 'unconfirmed $');
      const count = (value: number) => String(Math.round(value * 100) / 100);
      const line = (day: string, symbol: string, row: typeof summary.totals): string[] => [
        day,
        symbol,
        count(row.downloads),
        formatBytes(row.downloadedBytes),
        `$${row.spentUsd.toFixed(4)}`,
        count(row.cacheHits),
        formatBytes(row.savedBytes),
        `$${row.savedUsd.toFixed(4)}`,
        ...(unconfirmed ? [count(row.unconfirmedDownloads), `$${row.unconfirmedUsd.toFixed(4)}`] : []),
      ];
      io.stdout(
        formatTable([
          header,
          ...summary.rows.map((row) => line(row.day, row.symbol, row)),
          line('total', '', summary.totals),
        ]),
      );
      if (unconfirmed) {
        io.stdout(
          `${count(summary.totals.unconfirmedDownloads)} download(s) started but never confirmed (a process stopped mid-download, or one still running): about $${summary.totals.unconfirmedUsd.toFixed(4)} likely billed, not in "spent".\n`,
        );
      }
    });

  const cache = program.command('cache').description('Inspect, verify and clear the Feather bar cache');

  cache
    .command('ls')
    .description('List cached partitions: rows, bytes and age')
    .option('--cache-dir <dir>', CACHE_DIR_HELP)
    .action(async (options: { cacheDir?: string }) => {
      const cache = await loadCacheFeather();
      const partitions = await cache.listPartitions(await cacheDirectory(cache, options.cacheDir));
      if (partitions.length === 0) {
        io.stdout('Cache is empty.\n');
        return;
      }
      const rows = partitions.map((partition: CachedPartition) => [
        partition.sourceId,
        partition.dataset,
        partition.schema,
        partition.symbol,
        partition.day,
        String(partition.rows),
        formatBytes(partition.bytes),
        formatAge(partition.ageMs),
        partition.complete ? 'complete' : 'partial',
      ]);
      const totalBytes = partitions.reduce((sum, partition) => sum + partition.bytes, 0);
      io.stdout(
        formatTable([
          ['source', 'dataset', 'schema', 'symbol', 'day', 'rows', 'bytes', 'age', 'state'],
          ...rows,
        ]),
      );
      io.stdout(`${partitions.length} partitions, ${formatBytes(totalBytes)}\n`);
    });

  cache
    .command('verify')
    .description('Validate every cache file (size, Arrow footer, sha256, rows); exit 1 if any is bad')
    .option('--cache-dir <dir>', CACHE_DIR_HELP)
    .option('--quarantine', 'move bad files aside (*.corrupt-<time>) so they are refetched')
    .action(async (options: { cacheDir?: string; quarantine?: boolean }) => {
      const cache = await loadCacheFeather();
      const { checked, problems } = await cache.verifyCache(await cacheDirectory(cache, options.cacheDir), {
        quarantine: options.quarantine === true,
      });
      for (const problem of problems) io.stdout(`BAD  ${problem.path}: ${problem.reason}\n`);
      io.stdout(`${checked} files checked, ${problems.length} bad\n`);
      if (problems.length > 0) {
        throw new Error(
          `${problems.length} cache file(s) failed validation; run \`lb cache verify --quarantine\` or \`lb cache clear\` to have them refetched`,
        );
      }
    });

  cache
    .command('clear')
    .description('Delete cached partitions (all, or filtered by symbol and day)')
    .option('--symbol <symbol>', 'only this symbol (raw symbol like ESH4, or a ticker)')
    .option('--before <date>', 'only days before this day (YYYY-MM-DD, UTC)')
    .option('--cache-dir <dir>', CACHE_DIR_HELP)
    .action(async (options: { symbol?: string; before?: string; cacheDir?: string }) => {
      const cache = await loadCacheFeather();
      const before = options.before === undefined ? undefined : parseDate(options.before, '--before');
      const result = await cache.clearCache(await cacheDirectory(cache, options.cacheDir), {
        ...(options.symbol === undefined ? {} : { symbol: options.symbol }),
        ...(before === undefined ? {} : { before }),
      });
      io.stdout(`Removed ${result.removedPartitions} partitions (${formatBytes(result.removedBytes)}).\n`);
    });
}
