import type { TearsheetInput, TearsheetStat } from '@lb/tearsheet';
import { alignToTimes } from './csv.js';
import type { RunAnalysis } from './metrics.js';
import type { RunRecord } from './run-record.js';

const isoTime = (timeMs: number) => new Date(timeMs).toISOString();

const moneyFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const ratioFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const percent = (value: number | null) =>
  value === null || !Number.isFinite(value) ? 'n/a' : `${ratioFormat.format(value * 100)}%`;
const money = (value: number | null) =>
  value === null || !Number.isFinite(value) ? 'n/a' : moneyFormat.format(value);
const ratio = (value: number | null) =>
  value === null || !Number.isFinite(value) ? 'n/a' : ratioFormat.format(value);

/** The summary cards: every metric of `stats.json` except the tables, formatted with fixed en-US rules. */
export function formatMetricCards(record: RunRecord, analysis: RunAnalysis): TearsheetStat[] {
  const { metrics } = analysis;
  const cards: TearsheetStat[] = [
    { label: 'Period', value: `${record.start.slice(0, 10)} to ${record.end.slice(0, 10)}` },
    { label: 'Starting value', value: money(metrics.startingValue) },
    { label: 'Ending value', value: money(metrics.endingValue) },
    { label: 'Total return', value: percent(metrics.totalReturn) },
    { label: 'CAGR', value: percent(metrics.cagr) },
    { label: 'Annualised volatility', value: percent(metrics.annualizedVolatility) },
    { label: 'Sharpe', value: ratio(metrics.sharpe) },
    { label: 'Sortino', value: ratio(metrics.sortino) },
    { label: 'Calmar', value: ratio(metrics.calmar) },
    {
      label: 'Max drawdown',
      value: `${percent(-metrics.maxDrawdown)}${metrics.maxDrawdownAt === null ? '' : ` (${metrics.maxDrawdownAt.slice(0, 10)})`}`,
    },
    { label: 'Longest drawdown', value: `${ratioFormat.format(metrics.longestDrawdownDays)} days` },
    { label: 'Exposure', value: percent(metrics.exposure) },
    { label: 'Fills', value: integerFormat.format(metrics.fills) },
    { label: 'Round trips', value: integerFormat.format(metrics.roundTrips) },
    { label: 'Win rate', value: percent(metrics.winRate) },
    { label: 'Profit factor', value: ratio(metrics.profitFactor) },
    { label: 'Average win', value: money(metrics.averageWin) },
    { label: 'Average loss', value: money(metrics.averageLoss) },
    { label: 'Expectancy', value: money(metrics.expectancy) },
    { label: 'Fees paid', value: money(metrics.feesPaid) },
    { label: 'Trading days', value: integerFormat.format(metrics.tradingDays) },
  ];
  if (record.benchmark) {
    cards.push(
      { label: 'Benchmark return', value: percent(metrics.benchmarkReturn) },
      { label: 'Alpha', value: percent(metrics.alpha) },
      { label: 'Beta', value: ratio(metrics.beta) },
      { label: 'Correlation', value: ratio(metrics.correlation) },
    );
  }
  return cards;
}

/** Everything the tearsheet draws, from the record and its analysis. */
export function toTearsheetInput(record: RunRecord, analysis: RunAnalysis, title: string): TearsheetInput {
  const { metrics } = analysis;
  const symbols = [...new Set(record.fills.map((fill) => fill.symbol))];
  const input: TearsheetInput = {
    title,
    subtitle: `${record.strategy}, ${record.start} to ${record.end}`,
    dataDescription: record.dataDescription,
    stats: formatMetricCards(record, analysis),
    equity: { timesMs: [...record.equity.timesMs], values: [...record.equity.values] },
    dailyReturns: { timesMs: analysis.dailyCloses.timesMs, values: analysis.dailyReturns },
    monthlyReturns: metrics.monthlyReturns,
    yearlyReturns: metrics.yearlyReturns,
    worstDrawdowns: metrics.worstDrawdowns,
    roundTrips: analysis.roundTrips.map((trip) => ({
      symbol: trip.symbol,
      direction: trip.direction,
      entryTime: isoTime(trip.entryTimeMs),
      exitTime: isoTime(trip.exitTimeMs),
      quantity: trip.quantity,
      entryPrice: trip.entryPrice,
      exitPrice: trip.exitPrice,
      netPnl: trip.netPnl,
      fees: trip.fees,
      mae: trip.mae,
      mfe: trip.mfe,
      exitTag: trip.exitTag,
    })),
    trades: record.fills.map((fill, index) => ({
      time: isoTime(fill.timeMs),
      symbol: fill.symbol,
      side: fill.side,
      quantity: fill.quantity,
      price: fill.price,
      fee: fill.fee,
      ...(analysis.fillRoles[index] === 'exit' && fill.realizedPnl !== undefined
        ? { pnl: fill.realizedPnl }
        : {}),
      ...(fill.tag === undefined ? {} : { tag: fill.tag }),
    })),
    instruments: symbols.map((symbol) => {
      const prices = record.prices?.[symbol];
      return {
        symbol,
        ...(prices ? { timesMs: [...prices.timesMs], prices: [...prices.values] } : {}),
        markers: record.fills.flatMap((fill, index) =>
          fill.symbol === symbol
            ? [{ timeMs: fill.timeMs, price: fill.price, role: analysis.fillRoles[index] ?? 'entry' }]
            : [],
        ),
      };
    }),
    warnings: [...(record.warnings ?? [])],
  };
  if (record.benchmark) {
    input.benchmark = {
      label: record.benchmark.label,
      values: alignToTimes(record.benchmark, record.equity.timesMs),
    };
  }
  return input;
}
