import { activeContract, rollSchedule } from '@lb/core';
import type { Command } from 'commander';
import { asUsageError } from './cli-arguments.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

// An instant must carry its offset: a bare date or local time would silently depend on the machine's time
// zone, and a roll at 00:00 New York time makes that an off-by-one-contract bug.
const ISO_INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Parses an ISO-8601 instant with an explicit offset, e.g. `2025-03-11T00:30:00-04:00` or `…Z`. */
function parseInstant(text: string, option: string): Date {
  const instant = new Date(text);
  if (!ISO_INSTANT_PATTERN.test(text) || Number.isNaN(instant.getTime()) || !hasValidFields(text)) {
    throw new UsageError(
      `${option} must be an ISO-8601 instant with an offset, like 2025-03-11T00:30:00-04:00 or 2025-03-11T04:30:00Z; got ${JSON.stringify(text)}`,
    );
  }
  return instant;
}

// `new Date` rolls 2025-02-30 over into March; reject such dates instead of guessing.
function hasValidFields(text: string): boolean {
  const [year, month, day, hour, minute] = text.match(/\d+/g)?.slice(0, 5).map(Number) ?? [];
  if (year === undefined || month === undefined || day === undefined) return false;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= lastDay && (hour ?? 0) <= 23 && (minute ?? 0) <= 59;
}

/**
 * Registers `lb futures resolve` (the contract a continuous future trades at an instant) and
 * `lb futures schedule` (the contracts over a time range, one JSON object per line).
 */
export function registerFuturesCommand(program: Command, io: CliIo): void {
  const futures = program
    .command('futures')
    .description('Continuous futures: which dated contract to trade, by roll rule');

  futures
    .command('resolve')
    .description('Print the Databento raw symbol (e.g. ESH5) of the contract active at an instant')
    .argument('<ROOT>', 'futures root, e.g. ES, MNQ, GC, 6E')
    .requiredOption('--at <instant>', 'ISO-8601 instant with an offset, e.g. 2025-03-11T00:30:00-04:00')
    .action((root: string, options: { at: string }) => {
      const at = parseInstant(options.at, '--at');
      const contract = asUsageError(() => activeContract(root, at));
      io.stdout(`${contract.symbol}\n`);
    });

  futures
    .command('schedule')
    .description('Print the active contract of each segment of [start, end) as JSON lines')
    .argument('<ROOT>', 'futures root, e.g. ES, MNQ, GC, 6E')
    .requiredOption('--start <instant>', 'range start (inclusive), ISO-8601 instant with an offset')
    .requiredOption('--end <instant>', 'range end (exclusive), ISO-8601 instant with an offset')
    .action((root: string, options: { start: string; end: string }) => {
      const start = parseInstant(options.start, '--start');
      const end = parseInstant(options.end, '--end');
      const segments = asUsageError(() => rollSchedule(root, start, end));
      const lines = segments.map((segment) =>
        JSON.stringify({
          symbol: segment.symbol,
          start: segment.start.toISOString(),
          end: segment.end.toISOString(),
        }),
      );
      io.stdout(lines.map((line) => `${line}\n`).join(''));
    });
}
