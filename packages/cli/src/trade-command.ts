import path from 'node:path';
import type { BacktestOptions } from '@lb/backtest';
import {
  type Asset,
  Bars,
  continuousFuture,
  type DataSourceV1,
  future,
  LbError,
  parseContractSymbol,
  parseSleeptime,
  stock,
} from '@lb/core';
import { type RunRecord, writeResults } from '@lb/report';
import type { Command } from 'commander';
import { loadStrategyModule } from './backtest-command.js';
import type { CliIo } from './cli-io.js';
import { resolveConfirmAboveUsd } from './cost-confirmation.js';
import { loadDatabentoLive } from './live-command.js';
import { loadOptionalPackage } from './optional-package.js';
import { findInstalledSource } from './source-discovery.js';
import { liveReplayStart, openTradeHistory } from './trade-history.js';
import { UsageError } from './usage-error.js';

type LiveTradingModule = typeof import('@lb/live');

/** `@lb/live`, or a clear error naming it. */
export function loadLiveTrading(): Promise<LiveTradingModule> {
  return loadOptionalPackage('@lb/live', 'Live trading');
}

interface TradeCommandOptions {
  paper?: boolean;
  stateFile: string;
  duration?: string;
  symbols?: string[];
  schema: string;
  dataset: string;
  out: string;
  barWait: string;
  dataSource?: string;
  dataDir?: string;
  historyDays: string;
  yes?: boolean;
  confirmAboveUsd?: string;
}

const BAR_SCHEMAS = ['ohlcv-1s', 'ohlcv-1m', 'ohlcv-1h'] as const;

/** `ES.c.0` trades the front-month continuous future, `ESH6` that contract, anything else a stock. */
function assetOfSymbol(symbol: string): { asset: Asset; stypeIn: 'continuous' | 'raw_symbol' } {
  const continuous = /^([A-Z0-9]+)\.c\.\d+$/i.exec(symbol);
  if (continuous !== null) return { asset: continuousFuture(continuous[1]!), stypeIn: 'continuous' };
  return {
    asset: parseContractSymbol(symbol) === null ? stock(symbol) : future(symbol),
    stypeIn: 'raw_symbol',
  };
}

/** History for a live run without a historical source: the strategy sees the live bars closed so far. */
const liveBarsOnly: DataSourceV1 = {
  specificationVersion: 'v1',
  sourceId: 'none',
  capabilities: {
    assetTypes: ['stock', 'future', 'continuous_future', 'option'],
    timestepUnits: ['second', 'minute', 'hour', 'day'],
    continuousFutures: true,
    instruments: false,
  },
  doFetchBars: async (request) => Bars.empty({ symbol: request.asset.symbol, timestep: request.timestep }),
};

function money(value: number): string {
  return value.toFixed(2);
}

/**
 * Registers `lb trade <strategy-module> --paper [--state-file] [--duration] [--symbols]`: the strategy of
 * `lb backtest`, unchanged, trading a paper account on Databento Live bars (`@lb/live` and
 * `@lb/databento-live`, optional packages). Reads DATABENTO_API_KEY and DATABENTO_LIVE_GATEWAY. Ctrl-C or
 * the end of `--duration` saves the account and writes the same results files as `lb backtest`.
 */
export function registerTradeCommand(program: Command, io: CliIo): void {
  program
    .command('trade')
    .description('Trade a strategy module live on Databento bars with a paper account (needs @lb/live)')
    .argument('<strategy-module>', 'path to a .ts or .js module (default export: a Strategy subclass)')
    .option('--paper', 'paper trading: fills simulated on live bars with the backtest rules (required)')
    .option('--state-file <file>', 'paper account file, resumed when it exists', 'lb-paper-account.json')
    .option('--duration <time>', 'stop after this long, e.g. 90s, 30m, 2h (default: until Ctrl-C)')
    .option(
      '--symbols <symbols...>',
      'symbols traded live, e.g. ESH6 or ES.c.0 (comma-separated or repeated)',
    )
    .option('--schema <schema>', 'bar schema: ohlcv-1s, ohlcv-1m or ohlcv-1h', 'ohlcv-1m')
    .option('--dataset <dataset>', 'dataset code', 'GLBX.MDP3')
    .option('--out <dir>', 'results folder; each run writes into <dir>/<run-id>/', 'results')
    .option('--bar-wait <time>', 'how long past a step to wait for its bars while connected', '10s')
    .option(
      '--data-source <name>',
      "history before the live bars: databento, dbn-files or an installed lb-source-* package's source (default: no history)",
    )
    .option('--data-dir <dir>', 'folder of .dbn/.dbn.zst files: history from the dbn-files source')
    .option(
      '--history-days <days>',
      'days of history before the session (the Databento quote covers them)',
      '5',
    )
    .option('--yes', 'confirm a Databento history download above the cost threshold')
    .option(
      '--confirm-above-usd <usd>',
      'estimates above this need --yes (default: LB_CONFIRM_ABOVE_USD, else 1)',
    )
    .action(async (moduleFile: string, options: TradeCommandOptions) => {
      if (options.paper !== true) {
        throw new UsageError('lb trade needs --paper: only paper trading is available (no real broker yet).');
      }
      const symbols = (options.symbols ?? [])
        .flatMap((symbol) => symbol.split(','))
        .map((symbol) => symbol.trim())
        .filter((symbol) => symbol.length > 0);
      if (symbols.length === 0) throw new UsageError('--symbols is required, e.g. --symbols ESH6');
      const schema = BAR_SCHEMAS.find((name) => name === options.schema);
      if (schema === undefined)
        throw new UsageError(`--schema must be one of ${BAR_SCHEMAS.join(', ')}, got "${options.schema}"`);
      let durationMs: number | undefined;
      if (options.duration !== undefined) {
        try {
          durationMs = parseSleeptime(options.duration);
        } catch (error) {
          if (LbError.isInstance(error))
            throw new UsageError(`--duration must look like 90s, 30m or 2h, got "${options.duration}"`);
          throw error;
        }
      }
      let barWaitMs: number;
      try {
        barWaitMs = parseSleeptime(options.barWait);
      } catch (error) {
        if (LbError.isInstance(error))
          throw new UsageError(`--bar-wait must look like 2s or 1m, got "${options.barWait}"`);
        throw error;
      }
      const historyDays = Number(options.historyDays);
      if (!Number.isFinite(historyDays) || historyDays <= 0) {
        throw new UsageError(`--history-days must be a number of days above 0, got "${options.historyDays}"`);
      }
      const thresholdUsd = resolveConfirmAboveUsd(options.confirmAboveUsd);
      // Checked before the module loads: a misspelt source fails fast, naming the installed ones.
      if (options.dataSource !== undefined) await findInstalledSource(options.dataSource);
      const loaded = await loadStrategyModule(moduleFile);
      const strategy = typeof loaded.default === 'function' ? new loaded.default() : loaded.default;
      const settings: Omit<BacktestOptions, 'strategy' | 'dataSource' | 'start' | 'end'> =
        loaded.backtestOptions ?? {};
      const live = await loadLiveTrading();
      const { createDatabentoLive, createLiveBarFeed } = await loadDatabentoLive();

      const parsed = symbols.map(assetOfSymbol);
      const nowMs = Date.now();
      const historyMs = historyDays * 86_400_000;
      const timestep = schema.slice('ohlcv-'.length);
      const history = await openTradeHistory({
        ...(options.dataSource === undefined ? {} : { dataSource: options.dataSource }),
        ...(options.dataDir === undefined ? {} : { dataDirectory: options.dataDir }),
        assets: parsed.map((entry) => entry.asset),
        timestep,
        nowMs,
        historyMs,
        yes: options.yes === true,
        thresholdUsd,
        environment: process.env,
        io,
      });
      const stateFile = path.resolve(options.stateFile);
      const broker = new live.PaperBroker({
        stateFile,
        ...(settings.budget === undefined ? {} : { initialCash: settings.budget }),
        ...(settings.fees === undefined ? {} : { fees: settings.fees }),
        ...(settings.buyFees === undefined ? {} : { buyFees: settings.buyFees }),
        ...(settings.sellFees === undefined ? {} : { sellFees: settings.sellFees }),
        ...(settings.slippage === undefined ? {} : { slippageTicks: settings.slippage }),
        ...(settings.instruments === undefined ? {} : { instruments: settings.instruments }),
      });
      // With history, the live subscription replays from where history ends, so the two meet without a gap.
      const replayStart =
        history === undefined
          ? undefined
          : await liveReplayStart({
              history,
              assets: parsed.map((entry) => entry.asset),
              timestep,
              nowMs,
              historyMs,
            });
      const client = createDatabentoLive({ dataset: options.dataset });
      for (const stypeIn of ['raw_symbol', 'continuous'] as const) {
        const group = symbols.filter((_, index) => parsed[index]!.stypeIn === stypeIn);
        if (group.length > 0)
          client.subscribe({
            schema,
            symbols: group,
            stypeIn,
            ...(replayStart === undefined ? {} : { start: replayStart }),
          });
      }
      const feed = createLiveBarFeed({ client, schema });
      const isTerminal = process.stderr.isTTY === true;
      const stop = new AbortController();
      const onInterrupt = () => stop.abort();
      process.on('SIGINT', onInterrupt);
      process.on('SIGTERM', onInterrupt);
      const startMs = Date.now();
      // This run's results cover this run: fills and value from where the (resumed) account stood.
      const fillsBefore = broker.getTrades().length;
      const valueAtStart = broker.getPortfolioValue();
      io.stdout(`Paper trading ${symbols.join(', ')} (${schema}); account: ${stateFile}\n`);
      let result: Awaited<ReturnType<LiveTradingModule['trade']>>;
      try {
        result = await live.trade({
          strategy,
          history: history ?? liveBarsOnly,
          live: feed,
          broker,
          ...(durationMs === undefined ? {} : { endMs: startMs + durationMs }),
          connection: client,
          assets: parsed.map((entry) => entry.asset),
          barWaitMs,
          signal: stop.signal,
          ...(settings.parameters === undefined ? {} : { parameters: settings.parameters }),
          logger: (line) => {
            if (isTerminal) io.stderr('\r\u001b[2K');
            io.stdout(`${line}\n`);
          },
          onStatus: (status) => {
            if (!isTerminal) return;
            const positions =
              status.positions.map((position) => `${position.symbol} ${position.quantity}`).join(' ') ||
              'flat';
            const unrealized = status.portfolioValue - status.cash;
            const lastBar =
              status.lastBarOpenMs === undefined ? 'none' : new Date(status.lastBarOpenMs).toISOString();
            io.stderr(
              `\r\u001b[2K${status.connection}${status.paused ? ' (waiting for data)' : ''} | last bar ${lastBar} | ${positions} | unrealised ${money(unrealized)} | realised ${money(broker.getRealizedPnl())}`,
            );
          },
        });
      } finally {
        process.off('SIGINT', onInterrupt);
        process.off('SIGTERM', onInterrupt);
        await client.close();
        if (isTerminal) io.stderr('\n');
      }
      const endMs = Math.max(Date.now(), result.endMs);
      const equity = result.equity;
      // A run too short for an iteration still gets one point: the account when it stopped.
      if (equity.timesMs.length === 0 || equity.timesMs.at(-1)! < endMs) {
        equity.timesMs.push(endMs);
        equity.values.push(broker.getPortfolioValue());
        equity.cash.push(broker.getCash());
      }
      const trades = broker.getTrades();
      const record: RunRecord = {
        strategy: strategy.constructor.name,
        start: new Date(startMs).toISOString(),
        end: new Date(endMs).toISOString(),
        initialCash: valueAtStart,
        dataDescription: `Databento Live ${options.dataset} ${schema} (paper account ${path.basename(stateFile)})`,
        parameters: strategy.parameters as Record<string, unknown>,
        iterations: result.iterations,
        equity: { timesMs: equity.timesMs, values: equity.values },
        cash: equity.cash,
        fills: trades.slice(fillsBefore).map((fill) => ({
          timeMs: fill.timestampMs,
          symbol: fill.symbol,
          asset: fill.asset,
          side: fill.side,
          quantity: fill.quantity,
          price: fill.price,
          fee: fill.fee,
          realizedPnl: fill.realizedPnl,
          multiplier: fill.multiplier,
          orderId: fill.orderId,
        })),
      };
      const files = await writeResults({
        outDir: path.resolve(options.out),
        record,
        title: `${record.strategy} (paper)`,
      });
      io.stdout(
        `Stopped after ${result.iterations} iterations: cash ${money(broker.getCash())}, value ${money(broker.getPortfolioValue())}, ${broker.getOpenOrders().length} working orders\nAccount saved to ${stateFile}\nResults: ${files.directory}\n`,
      );
    });
}
