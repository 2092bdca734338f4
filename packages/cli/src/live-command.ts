import { InvalidArgumentError, parseInstant } from '@lb/core';
import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { loadOptionalPackage } from './optional-package.js';
import { UsageError } from './usage-error.js';

type LiveModule = typeof import('@lb/databento-live');

/** `@lb/databento-live`, or a clear error naming it. */
export function loadDatabentoLive(): Promise<LiveModule> {
  return loadOptionalPackage('@lb/databento-live', 'Databento Live');
}

interface LiveOptions {
  dataset: string;
  stype: string;
  replayFrom?: string;
  count?: string;
  format: string;
}

const STYPES: Record<string, 'raw_symbol' | 'parent' | 'continuous'> = {
  raw: 'raw_symbol',
  raw_symbol: 'raw_symbol',
  parent: 'parent',
  continuous: 'continuous',
};
const BAR_SCHEMAS = ['ohlcv-1s', 'ohlcv-1m', 'ohlcv-1h'] as const;

function parseCommon(symbols: string[], options: LiveOptions) {
  const stypeIn = STYPES[options.stype];
  if (stypeIn === undefined)
    throw new UsageError(`--stype must be raw, parent or continuous, got "${options.stype}"`);
  if (options.format !== 'csv' && options.format !== 'json') {
    throw new UsageError(`--format must be csv or json, got "${options.format}"`);
  }
  let count: number | undefined;
  if (options.count !== undefined) {
    count = Number(options.count);
    if (!Number.isSafeInteger(count) || count < 1)
      throw new UsageError(`--count must be a positive whole number, got "${options.count}"`);
  }
  let start: Date | undefined;
  if (options.replayFrom !== undefined) {
    try {
      start = parseInstant(options.replayFrom, '--replay-from');
    } catch (error) {
      if (InvalidArgumentError.isInstance(error)) throw new UsageError(error.message);
      throw error;
    }
  }
  const list = symbols.flatMap((symbol) => symbol.split(',')).filter((symbol) => symbol.trim().length > 0);
  return { stypeIn, count, start, symbols: list };
}

const isoTime = (nanos: bigint) => new Date(Number(nanos / 1_000_000n)).toISOString();

/**
 * Runs `work` until it finishes or the user presses Ctrl-C (which closes the session and exits 0).
 * The SIGINT listener is removed afterwards so the in-process test runner is left as it was.
 */
async function untilInterrupted(
  client: { close(): Promise<void> },
  work: () => Promise<void>,
): Promise<void> {
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    void client.close();
  };
  process.on('SIGINT', onInterrupt);
  try {
    await work();
  } catch (error) {
    // Closing while still connecting rejects the connection attempt; after Ctrl-C that is the way out.
    if (!interrupted) throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
    await client.close();
  }
}

/**
 * Registers `lb live bars` and `lb live trades`: real-time Databento data printed as it arrives, from
 * `@lb/databento-live` (an optional package). Reads DATABENTO_API_KEY and DATABENTO_LIVE_GATEWAY.
 */
export function registerLiveCommand(program: Command, io: CliIo): void {
  const live = program.command('live').description('Real-time Databento data (needs @lb/databento-live)');
  const common = (command: Command) =>
    command
      .option('--dataset <dataset>', 'dataset code', 'GLBX.MDP3')
      .option(
        '--stype <stype>',
        'symbology of the symbols: raw, parent (ES.FUT) or continuous (ES.c.0)',
        'raw',
      )
      .option('--replay-from <instant>', 'intraday replay from this ISO-8601 instant (UTC when naive)')
      .option('--count <n>', 'exit after printing this many records')
      .option('--format <format>', 'csv or json (one object per line)', 'csv');

  common(
    live
      .command('bars')
      .description('Print each bar as its interval closes')
      .argument('<SYMBOL...>', 'symbols, e.g. ESH6 or ES.FUT or ES.c.0')
      .option('--schema <schema>', 'ohlcv-1s, ohlcv-1m or ohlcv-1h', 'ohlcv-1m'),
  ).action(async (symbols: string[], options: LiveOptions & { schema: string }) => {
    const parsed = parseCommon(symbols, options);
    const schema = BAR_SCHEMAS.find((name) => name === options.schema);
    if (schema === undefined)
      throw new UsageError(`--schema must be one of ${BAR_SCHEMAS.join(', ')}, got "${options.schema}"`);
    const { createDatabentoLive, createLiveBarFeed } = await loadDatabentoLive();
    const client = createDatabentoLive({ dataset: options.dataset });
    client.subscribe({
      schema,
      symbols: parsed.symbols,
      stypeIn: parsed.stypeIn,
      ...(parsed.start ? { start: parsed.start } : {}),
    });
    const feed = createLiveBarFeed({ client, schema });
    let printed = 0;
    await untilInterrupted(client, async () => {
      // Connect first so a rejected key prints its one error line and no CSV header.
      await client.start();
      if (options.format === 'csv') io.stdout('time,symbol,open,high,low,close,volume\n');
      for await (const update of feed.updates()) {
        const bars = update.bars;
        for (let index = 0; index < bars.length; index++) {
          const row = {
            time: isoTime(bars.tsEventNanos[index]!),
            symbol: update.symbol,
            open: bars.open[index]!,
            high: bars.high[index]!,
            low: bars.low[index]!,
            close: bars.close[index]!,
            volume: bars.volume[index]!,
          };
          io.stdout(
            options.format === 'json' ? `${JSON.stringify(row)}\n` : `${Object.values(row).join(',')}\n`,
          );
          if (++printed === parsed.count) return;
        }
      }
    });
  });

  common(
    live
      .command('trades')
      .description('Print each trade as it arrives')
      .argument('<SYMBOL...>', 'symbols, e.g. ESH6 or ES.FUT or ES.c.0'),
  ).action(async (symbols: string[], options: LiveOptions) => {
    const parsed = parseCommon(symbols, options);
    const { createDatabentoLive } = await loadDatabentoLive();
    const client = createDatabentoLive({ dataset: options.dataset });
    client.subscribe({
      schema: 'trades',
      symbols: parsed.symbols,
      stypeIn: parsed.stypeIn,
      ...(parsed.start ? { start: parsed.start } : {}),
    });
    let printed = 0;
    await untilInterrupted(client, async () => {
      await client.start();
      if (options.format === 'csv') io.stdout('time,symbol,price,size,side\n');
      for await (const item of client.records()) {
        const trade = item.record as {
          rtype: number;
          tsEvent: bigint;
          price: bigint;
          size: number;
          side: string;
        };
        if (trade.rtype !== 0) continue;
        const row = {
          time: isoTime(trade.tsEvent),
          symbol: item.mapping?.rawSymbol ?? String(item.record.instrumentId),
          price: Number(trade.price) / 1e9,
          size: trade.size,
          side: trade.side,
        };
        io.stdout(
          options.format === 'json' ? `${JSON.stringify(row)}\n` : `${Object.values(row).join(',')}\n`,
        );
        if (++printed === parsed.count) return;
      }
    });
  });
}
