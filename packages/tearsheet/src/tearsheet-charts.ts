import {
  computeDrawdownPercent,
  computeHistogram,
  computeRolling,
  downsampleMinMax,
  selectExtremeIndices,
} from './series.js';
import type { TearsheetInput } from './tearsheet-input.js';

/** How the page script formats a series' values. */
export type ChartValueFormat = 'money' | 'percent' | 'number' | 'count';

/** One series of a chart, as the page script reads it. */
export interface ChartSeriesSpec {
  label: string;
  stroke: string;
  fill?: string;
  format: ChartValueFormat;
  /** Draw points only (fill markers), no line. */
  markers?: boolean;
  /** Draw bars instead of a line. */
  bars?: boolean;
  /** Join across nulls (a price line interleaved with marker-only rows). */
  spanGaps?: boolean;
}

/** A chart for the page script: uPlot's columnar data plus series styling. */
export interface ChartSpec {
  id: string;
  /** x values are epoch seconds drawn as UTC dates; otherwise plain numbers (`xFormat`). */
  time: boolean;
  xFormat?: 'year' | 'percent';
  /** The drawdown chart pins its top at 0. */
  zeroTop?: boolean;
  /** Bar charts keep 0 on the y axis. */
  zeroBased?: boolean;
  /** Fixed x range (bar charts, so the outer bars are not cut in half). */
  xRange?: [number, number];
  data: Array<Array<number | null>>;
  series: ChartSeriesSpec[];
}

const colors = {
  equity: '#2563eb',
  benchmark: '#9ca3af',
  negative: '#b91c1c',
  positive: '#047857',
  amber: '#d97706',
  violet: '#7c3aed',
};

/** Builds every chart of the page from the input, downsampled to at most `maxChartPoints` per chart. */
export function buildCharts(
  input: TearsheetInput,
  options: { maxChartPoints: number; rollingWindowDays: number },
): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const { timesMs, values } = input.equity;
  const { maxChartPoints } = options;
  if (timesMs.length > 0) {
    const benchmark = input.benchmark?.values.map((value) => (value === null ? Number.NaN : value));
    const indices = selectExtremeIndices(
      benchmark ? [values, benchmark] : [values],
      timesMs.length,
      maxChartPoints,
    );
    const data: Array<Array<number | null>> = [
      indices.map((index) => timesMs[index]! / 1000),
      indices.map((index) => values[index]!),
    ];
    const series: ChartSeriesSpec[] = [
      { label: 'Equity', stroke: colors.equity, fill: 'rgba(37, 99, 235, 0.08)', format: 'money' },
    ];
    if (benchmark && input.benchmark) {
      data.push(indices.map((index) => benchmark[index] ?? Number.NaN));
      series.push({ label: input.benchmark.label, stroke: colors.benchmark, format: 'money' });
    }
    charts.push({ id: 'equity-chart', time: true, data, series });
    const drawdown = downsampleMinMax(
      timesMs.map((timeMs) => timeMs / 1000),
      computeDrawdownPercent(values),
      maxChartPoints,
    );
    charts.push({
      id: 'drawdown-chart',
      time: true,
      zeroTop: true,
      data: [drawdown.xs, drawdown.ys],
      series: [
        { label: 'Drawdown', stroke: colors.negative, fill: 'rgba(185, 28, 28, 0.15)', format: 'percent' },
      ],
    });
  }
  const years = Object.keys(input.yearlyReturns ?? {}).sort();
  if (years.length > 0) {
    charts.push({
      id: 'yearly-chart',
      time: false,
      xFormat: 'year',
      zeroBased: true,
      xRange: [Number(years[0]) - 0.5, Number(years[years.length - 1]) + 0.5],
      data: [years.map(Number), years.map((year) => input.yearlyReturns![year]! * 100)],
      series: [
        {
          label: 'Yearly return',
          stroke: colors.equity,
          fill: 'rgba(37, 99, 235, 0.6)',
          format: 'percent',
          bars: true,
        },
      ],
    });
  }
  const daily = input.dailyReturns;
  if (daily && daily.values.length > 0) {
    const window = rollingWindowFor(daily.values.length, options.rollingWindowDays);
    if (window !== undefined) {
      const rolling = computeRolling(daily.values, window);
      const xs = daily.timesMs.map((timeMs) => timeMs / 1000);
      charts.push({
        id: 'rolling-sharpe-chart',
        time: true,
        data: [xs, rolling.sharpe],
        series: [{ label: `Sharpe (${window}-day)`, stroke: colors.violet, format: 'number' }],
      });
      charts.push({
        id: 'rolling-volatility-chart',
        time: true,
        data: [xs, rolling.volatility.map((value) => value * 100)],
        series: [{ label: `Volatility (${window}-day)`, stroke: colors.amber, format: 'percent' }],
      });
    }
    const binCount = Math.min(40, Math.max(5, Math.ceil(Math.sqrt(daily.values.length))));
    const histogram = computeHistogram(daily.values, binCount);
    const centers = histogram.centers.map((center) => center * 100);
    const halfBin = centers.length > 1 ? (centers[1]! - centers[0]!) / 2 : 0.5;
    if (centers.length > 0)
      charts.push({
        id: 'histogram-chart',
        time: false,
        xFormat: 'percent',
        zeroBased: true,
        xRange: [centers[0]! - halfBin, centers[centers.length - 1]! + halfBin],
        data: [centers, histogram.counts],
        series: [
          {
            label: 'Days',
            stroke: colors.equity,
            fill: 'rgba(37, 99, 235, 0.6)',
            format: 'count',
            bars: true,
          },
        ],
      });
  }
  (input.instruments ?? []).forEach((instrument, position) => {
    charts.push(buildInstrumentChart(instrument, `instrument-chart-${position}`, maxChartPoints));
  });
  return charts;
}

/** The rolling window actually used: the requested one, shortened to half the run; none under 10 days. */
export function rollingWindowFor(days: number, requestedDays: number): number | undefined {
  if (days < 10) return undefined;
  return Math.max(5, Math.min(requestedDays, Math.floor(days / 2)));
}

function buildInstrumentChart(
  instrument: NonNullable<TearsheetInput['instruments']>[number],
  id: string,
  maxChartPoints: number,
): ChartSpec {
  // Rows keyed by time: [price, entry marker, exit marker]; markers land on their own rows when the
  // downsampled prices have no point at their time, and the price line spans those gaps.
  const rows = new Map<number, [number | null, number | null, number | null]>();
  const timesMs = instrument.timesMs ?? [];
  const prices = instrument.prices ?? [];
  if (timesMs.length > 0) {
    for (const index of selectExtremeIndices(
      [prices],
      Math.min(timesMs.length, prices.length),
      maxChartPoints,
    )) {
      rows.set(timesMs[index]!, [prices[index]!, null, null]);
    }
  }
  const joinFills = timesMs.length === 0;
  for (const marker of instrument.markers) {
    const row = rows.get(marker.timeMs) ?? [null, null, null];
    if (joinFills && row[0] === null) row[0] = marker.price;
    const slot = marker.role === 'entry' ? 1 : 2;
    if (row[slot] === null) row[slot] = marker.price;
    rows.set(marker.timeMs, row);
  }
  const times = [...rows.keys()].sort((left, right) => left - right);
  return {
    id,
    time: true,
    data: [
      times.map((timeMs) => timeMs / 1000),
      times.map((timeMs) => rows.get(timeMs)![0]),
      times.map((timeMs) => rows.get(timeMs)![1]),
      times.map((timeMs) => rows.get(timeMs)![2]),
    ],
    series: [
      {
        label: joinFills ? `${instrument.symbol} fill prices` : instrument.symbol,
        stroke: colors.equity,
        format: 'number',
        spanGaps: true,
      },
      { label: 'Entries', stroke: colors.positive, fill: colors.positive, format: 'number', markers: true },
      { label: 'Exits', stroke: colors.negative, fill: colors.negative, format: 'number', markers: true },
    ],
  };
}
