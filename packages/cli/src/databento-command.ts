import {
  type Asset,
  Bars,
  continuousFuture,
  type DataSourceV1,
  fetchBars,
  future,
  parseTimestep,
  stock,
} from '@lb/core';
import type { DatabentoDownloadPlanner } from '@lb/databento';
import type { Command } from 'commander';
import { asUsageError, parseRangeArguments } from './cli-arguments.js';
import type { CliIo } from './cli-io.js';
import { confirmEstimatedCost, resolveConfirmAboveUsd } from './cost-confirmation.js';
import { estimatePlannedBars, planDatabentoRequests } from './databento-plan.js';
import { loadCacheFeather, loadDatabento, PackageNotAvailableError } from './optional-package.js';
import { requireCreatableDirectory } from './path-arguments.js';
import { UsageError } from './usage-error.js';

// Same shape resolveDataset accepts as a dataset code: four letters or digits, a dot, a feed name.
const DATASET_PATTERN = /^[A-Z0-9]{4}\.[A-Z0-9]+$/;

function requireOneOf(option: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) {
    throw new UsageError(`${option} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  }
}

function formatBars(bars: Bars, format: string): string {
  const rows: string[] = [];
  if (format === 'json') {
    const objects = [];
    for (let index = 0; index < bars.length; index++) {
      objects.push({
        time: new Date(Number(bars.tsEventNanos[index]! / 1_000_000n)).toISOString(),
        open: bars.open[index],
        high: bars.high[index],
        low: bars.low[index],
        close: bars.close[index],
        volume: bars.volume[index],
      });
    }
    return `${JSON.stringify(objects, null, 2)}\n`;
  }
  rows.push('time,open,high,low,close,volume');
  for (let index = 0; index < bars.length; index++) {
    const time = new Date(Number(bars.tsEventNanos[index]! / 1_000_000n)).toISOString();
    rows.push(
      `${time},${bars.open[index]},${bars.high[index]},${bars.low[index]},${bars.close[index]},${bars.volume[index]}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

/**
 * Registers `lb cost` (Databento's cost estimate and billable size for a request) and `lb bars` (bars of
 * a stock or future through the DataBentoData source). Both read DATABENTO_API_KEY and DATABENTO_BASE_URL.
 */
export function registerDatabentoCommands(program: Command, io: CliIo): void {
  program
    .command('cost')
    .description('Print the estimated cost (USD) and billable size of a Databento request; downloads nothing')
    .requiredOption('--dataset <dataset>', 'dataset code, e.g. GLBX.MDP3')
    .requiredOption('--schema <schema>', 'schema, e.g. ohlcv-1m')
    .requiredOption('--symbols <symbols>', 'comma-separated symbols, e.g. ESH5,NQH5')
    .requiredOption('--start <instant>', 'ISO-8601 start (inclusive), UTC when naive')
    .requiredOption('--end <instant>', 'ISO-8601 end (exclusive), UTC when naive')
    .option('--stype-in <stype>', 'input symbology: raw_symbol, continuous, parent', 'raw_symbol')
    .action(
      async (options: {
        dataset: string;
        schema: string;
        symbols: string;
        start: string;
        end: string;
        stypeIn: string;
      }) => {
        const symbols = options.symbols
          .split(',')
          .map((symbol) => symbol.trim())
          .filter((symbol) => symbol.length > 0);
        if (symbols.length === 0) throw new UsageError('--symbols needs at least one symbol, e.g. ESH5,NQH5');
        const { start, end } = parseRangeArguments(options);
        const dataset = options.dataset.trim().toUpperCase();
        if (!DATASET_PATTERN.test(dataset)) {
          throw new UsageError(
            `--dataset must be a Databento dataset code like GLBX.MDP3 or XNAS.ITCH; got ${JSON.stringify(options.dataset)}`,
          );
        }
        const databento = await loadDatabento();
        requireOneOf('--schema', options.schema, databento.DATABENTO_SCHEMAS);
        requireOneOf('--stype-in', options.stypeIn, databento.DATABENTO_STYPES);
        const params = {
          dataset,
          schema: options.schema,
          symbols,
          start,
          end,
          stypeIn: options.stypeIn,
        };
        const client = databento.createDatabento({
          logger: databento.createDatabentoStderrLogger({ write: io.stderr }),
        });
        const costUsd = await client.metadata.getCost(params);
        const billableBytes = await client.metadata.getBillableSize(params);
        io.stdout(`estimated cost: $${costUsd.toFixed(6)} USD\nbillable size: ${billableBytes} bytes\n`);
      },
    );

  program
    .command('bars')
    .description('Print bars of a stock or future from Databento as CSV or JSON')
    .argument('<SYMBOL>', 'ticker (AAPL), contract (ESH5) or futures root (ES)')
    .option('--future', 'a dated futures contract (ESH5, or a root with --expiration)')
    .option('--expiration <date>', 'contract expiration YYYY-MM-DD, with --future')
    .option('--continuous', 'a continuous future on the root, stitched at the core roll schedule')
    .option('--exchange <venue>', 'venue (CME, NYMEX, ICE, NASDAQ...) or dataset code')
    .option('--timestep <timestep>', 'bar size: 1s, 1m, 5m, 1h, 1d...', '1m')
    .requiredOption('--start <instant>', 'ISO-8601 start (inclusive), UTC when naive')
    .requiredOption('--end <instant>', 'ISO-8601 end (exclusive), UTC when naive')
    .option('--format <format>', 'csv or json', 'csv')
    .option(
      '--no-cache',
      'download without the Feather cache (it is used when @lb/cache-feather is installed)',
    )
    .option('--yes', 'confirm a download whose estimated cost is above the threshold')
    .option(
      '--confirm-above-usd <usd>',
      'estimates above this need --yes (default: LB_CONFIRM_ABOVE_USD, else 1)',
    )
    .action(
      async (
        symbol: string,
        options: {
          future?: boolean;
          expiration?: string;
          continuous?: boolean;
          exchange?: string;
          timestep: string;
          start: string;
          end: string;
          format: string;
          cache?: boolean;
          yes?: boolean;
          confirmAboveUsd?: string;
        },
      ) => {
        if (options.future && options.continuous)
          throw new UsageError('use either --future or --continuous, not both');
        if (options.expiration !== undefined && !options.future)
          throw new UsageError('--expiration needs --future');
        if (options.format !== 'csv' && options.format !== 'json') {
          throw new UsageError(`--format must be csv or json; got ${JSON.stringify(options.format)}`);
        }
        const asset: Asset = asUsageError(() =>
          options.continuous
            ? continuousFuture(symbol)
            : options.future
              ? future(symbol, options.expiration)
              : stock(symbol),
        );
        const timestep = asUsageError(() => parseTimestep(options.timestep));
        const { start, end } = parseRangeArguments(options);
        const thresholdUsd = resolveConfirmAboveUsd(options.confirmAboveUsd);
        const databento = await loadDatabento();
        const client = databento.createDatabento({
          logger: databento.createDatabentoStderrLogger({ write: io.stderr }),
        });
        const dataset = asUsageError(() => databento.resolveDatabentoDataset(asset, options.exchange));
        const source = databento.createDatabentoData({ client });
        const cached = options.cache === false ? source : await withCacheIfInstalled(source, io);
        // Priced before anything is downloaded, like `pnpm example`: metadata calls are free.
        const planned = await planDatabentoRequests({
          client,
          asset,
          timestep,
          start,
          end,
          dataset,
          warn: (line) => io.stderr(`${line}\n`),
        });
        if (planned.requests.length === 0) {
          io.stdout(formatBars(Bars.empty({ symbol: asset.symbol, timestep }), options.format));
          return;
        }
        // Through the cache only the days it is missing are priced.
        const estimate = await estimatePlannedBars({
          source,
          cache: isDownloadPlanner(cached) ? cached : undefined,
          asset,
          timestep,
          plan: planned,
          exchange: options.exchange,
        });
        const estimatedCostUsd = estimate.totalCostUsd;
        io.stderr(
          `Estimated Databento cost: $${estimatedCostUsd.toFixed(4)}${cached === source ? '' : ' at most (days already cached are not downloaded again)'}\n`,
        );
        confirmEstimatedCost({ estimatedCostUsd, thresholdUsd, yes: options.yes === true });
        // Checked against maxCostUsd as one total; the downloads that follow reuse these prices.
        source.approveEstimate(estimate);
        // The clamped range: the warning above already said what is missing, so the source need not repeat it.
        const bars = await fetchBars(cached, {
          asset,
          timestep,
          start: planned.start,
          end: planned.end,
          ...(options.exchange === undefined ? {} : { exchange: options.exchange }),
        });
        io.stdout(formatBars(bars, options.format));
      },
    );
}

function isDownloadPlanner(source: DataSourceV1): source is DataSourceV1 & DatabentoDownloadPlanner {
  return typeof (source as Partial<DatabentoDownloadPlanner>).planDownloads === 'function';
}

// The cache is optional: without it every run downloads (and is billed) again, so say so on stderr.
async function withCacheIfInstalled(source: DataSourceV1, io: CliIo): Promise<DataSourceV1> {
  try {
    const { resolveCacheDirectory, withFeatherCache } = await loadCacheFeather();
    await requireCreatableDirectory(resolveCacheDirectory(), 'cache folder (LB_CACHE_DIR)');
    return withFeatherCache(source);
  } catch (error) {
    if (!PackageNotAvailableError.isInstance(error)) throw error;
    io.stderr('note: @lb/cache-feather is not installed; downloading without a cache\n');
    return source;
  }
}
