import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BacktestResult } from '@lb/backtest';
import { type TearsheetInput, writeTearsheet } from '@lb/tearsheet';

/** Files written for one run, by name. */
export interface BacktestResultFiles {
  readonly directory: string;
  readonly tradesCsv: string;
  readonly statsJson: string;
  readonly equityCsv: string;
  readonly tearsheetHtml: string;
}

/** Text describing a run in the tearsheet header. */
export interface BacktestRunDescription {
  readonly title: string;
  readonly subtitle?: string;
}

/**
 * Writes `trades.csv`, `stats.json`, `equity.csv` and `tearsheet.html` into `directory`. Each file is
 * written to a temporary name and renamed into place, so a crash never leaves a half-written file.
 */
export async function writeBacktestResults(
  directory: string,
  result: BacktestResult,
  description: BacktestRunDescription,
): Promise<BacktestResultFiles> {
  await mkdir(directory, { recursive: true });
  const files: BacktestResultFiles = {
    directory,
    tradesCsv: path.join(directory, 'trades.csv'),
    statsJson: path.join(directory, 'stats.json'),
    equityCsv: path.join(directory, 'equity.csv'),
    tearsheetHtml: path.join(directory, 'tearsheet.html'),
  };
  await writeAtomically(files.tradesCsv, tradesToCsv(result));
  await writeAtomically(files.equityCsv, equityToCsv(result));
  await writeAtomically(
    files.statsJson,
    `${JSON.stringify({ strategy: result.strategy, start: result.start, end: result.end, budget: result.budget, parameters: result.parameters, iterations: result.iterations, stats: result.stats }, null, 2)}\n`,
  );
  await writeTearsheet(files.tearsheetHtml, toTearsheetInput(result, description));
  return files;
}

/** One row per fill: time, symbol, side, quantity, price, fee, realised P&L. */
export function tradesToCsv(result: BacktestResult): string {
  const lines = ['time,asset,symbol,side,quantity,price,fee,realized_pnl,order_id,tag'];
  for (const trade of result.trades) {
    lines.push(
      [
        trade.time,
        trade.asset,
        trade.symbol,
        trade.side,
        trade.quantity,
        trade.price,
        trade.fee,
        trade.realizedPnl,
        trade.orderId,
        trade.tag ?? '',
      ]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One row per iteration: time, portfolio value, cash. */
export function equityToCsv(result: BacktestResult): string {
  const { timestampsMs, portfolioValue, cash } = result.equityCurve;
  const lines = ['time,portfolio_value,cash'];
  for (let index = 0; index < timestampsMs.length; index++) {
    lines.push(`${new Date(timestampsMs[index]!).toISOString()},${portfolioValue[index]},${cash[index]}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The tearsheet's view of a result: formatted stats, the equity curve and the fills. */
export function toTearsheetInput(
  result: BacktestResult,
  description: BacktestRunDescription,
): TearsheetInput {
  const { stats } = result;
  const percent = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(2)}%`);
  const money = (value: number) => value.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
  return {
    title: description.title,
    ...(description.subtitle === undefined ? {} : { subtitle: description.subtitle }),
    stats: [
      { label: 'Period', value: `${result.start.slice(0, 10)} to ${result.end.slice(0, 10)}` },
      { label: 'Starting value', value: money(stats.startingValue) },
      { label: 'Ending value', value: money(stats.endingValue) },
      { label: 'Total return', value: percent(stats.totalReturn) },
      { label: 'CAGR', value: percent(stats.cagr) },
      { label: 'Annualised volatility', value: percent(stats.annualizedVolatility) },
      { label: 'Sharpe', value: stats.sharpe === null ? 'n/a' : stats.sharpe.toFixed(2) },
      {
        label: 'Max drawdown',
        value: `${percent(-stats.maxDrawdown)}${stats.maxDrawdownAt === null ? '' : ` (${stats.maxDrawdownAt.slice(0, 10)})`}`,
      },
      { label: 'Trades', value: String(stats.numberOfTrades) },
      { label: 'Win rate', value: percent(stats.winRate) },
      { label: 'Fees paid', value: money(stats.feesPaid) },
    ],
    equity: { timesMs: result.equityCurve.timestampsMs, values: result.equityCurve.portfolioValue },
    trades: result.trades.map((trade) => ({
      time: trade.time,
      symbol: trade.symbol,
      side: trade.side,
      quantity: trade.quantity,
      price: trade.price,
      fee: trade.fee,
      ...(trade.closedQuantity > 0 ? { pnl: trade.realizedPnl } : {}),
    })),
  };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content, { flush: true });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
