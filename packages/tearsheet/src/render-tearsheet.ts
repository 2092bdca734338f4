import { InvalidArgumentError } from '@lb/core';
import { escapeHtml, serializeJsonForScript } from './escape-html.js';
import { formatInteger } from './format-number.js';
import { buildCharts, type ChartSpec } from './tearsheet-charts.js';
import type { RenderTearsheetOptions, TearsheetInput } from './tearsheet-input.js';
import { clientScript, pageCss } from './tearsheet-page-assets.js';
import {
  buildRoundTripsTable,
  buildTradesTable,
  renderHeatmap,
  renderStats,
  renderWarnings,
  renderWorstDrawdowns,
} from './tearsheet-sections.js';
import { loadUplotAssets } from './uplot-assets.js';

const defaultMaxChartPoints = 4_000;
const defaultPageSize = 50;
const defaultRollingWindowDays = 63;

/**
 * Renders a run as one self-contained HTML page: header with the data source, warnings, summary stats,
 * equity against the benchmark, drawdown, worst drawdowns, monthly heatmap, yearly bars, rolling Sharpe
 * and volatility, the daily returns histogram, a price chart per instrument with its fills, and paged
 * round-trips and trades tables. Charts are uPlot, inlined; a Content-Security-Policy forbids any network
 * access, so the file opens offline. Long curves are downsampled keeping each bucket's extremes. All caller
 * text is escaped, and the same input always gives the same bytes.
 *
 * @throws InvalidArgumentError (from @lb/core) when the equity arrays differ in length, times are not finite and
 * ascending, or an option is out of range.
 */
export function renderTearsheet(input: TearsheetInput, options: RenderTearsheetOptions = {}): string {
  const maxChartPoints = options.maxChartPoints ?? defaultMaxChartPoints;
  const pageSize = options.pageSize ?? defaultPageSize;
  const rollingWindowDays = options.rollingWindowDays ?? defaultRollingWindowDays;
  if (!Number.isInteger(maxChartPoints) || maxChartPoints < 16) {
    throw new InvalidArgumentError(`maxChartPoints must be an integer >= 16, got ${maxChartPoints}.`, {
      argument: 'maxChartPoints',
    });
  }
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new InvalidArgumentError(`pageSize must be a positive integer, got ${pageSize}.`, {
      argument: 'pageSize',
    });
  }
  if (!Number.isInteger(rollingWindowDays) || rollingWindowDays < 2) {
    throw new InvalidArgumentError(`rollingWindowDays must be an integer >= 2, got ${rollingWindowDays}.`, {
      argument: 'rollingWindowDays',
    });
  }
  validateEquity(input);
  if (input.benchmark && input.benchmark.values.length !== input.equity.timesMs.length) {
    throw new InvalidArgumentError(
      `benchmark.values must have one value per equity point (${input.equity.timesMs.length}), got ${input.benchmark.values.length}.`,
      { argument: 'benchmark' },
    );
  }

  const charts = buildCharts(input, { maxChartPoints, rollingWindowDays });
  const chartIds = new Set(charts.map((chart) => chart.id));
  const payload = {
    charts: charts.map(roundChart),
    tables: { trades: buildTradesTable(input), roundTrips: buildRoundTripsTable(input) },
    pageSize,
  };
  const uplot = loadUplotAssets();
  const title = escapeHtml(String(input.title));
  const chart = (id: string, placeholder: string) =>
    chartIds.has(id) ? `<div id="${id}" class="chart"></div>` : `<p class="empty">${placeholder}</p>`;
  const card = (id: string, heading: string, body: string) =>
    `<section class="card" aria-labelledby="${id}-heading">\n<h2 id="${id}-heading">${heading}</h2>\n${body}\n</section>`;
  const instruments = (input.instruments ?? [])
    .map(
      (instrument, position) =>
        `<h3>${escapeHtml(String(instrument.symbol))}</h3>\n<div id="instrument-chart-${position}" class="chart"></div>`,
    )
    .join('\n');
  const roundTripCount = input.roundTrips?.length ?? 0;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="@lb/tearsheet">
<title>${title}</title>
<style>${safeInlineText(uplot.css, 'style')}</style>
<style>${pageCss}</style>
</head>
<body>
<header class="page-header">
<h1>${title}</h1>
${input.subtitle ? `<p class="subtitle">${escapeHtml(String(input.subtitle))}</p>` : ''}
${input.dataDescription ? `<p id="data-source" class="data-source">Data: <strong>${escapeHtml(String(input.dataDescription))}</strong></p>` : ''}
</header>
<main>
${renderWarnings(input.warnings)}
${card('stats', 'Summary', renderStats(input))}
${card('equity', `Equity${input.benchmark ? ` vs ${escapeHtml(String(input.benchmark.label))}` : ''}`, chart('equity-chart', 'No equity data.'))}
${card('drawdown', 'Drawdown', chart('drawdown-chart', 'No equity data.'))}
${card('worst-drawdowns', 'Worst drawdowns', renderWorstDrawdowns(input))}
${card('monthly', 'Monthly returns', renderHeatmap(input))}
<div class="grid-2">
${card('yearly', 'Yearly returns', chart('yearly-chart', 'No yearly returns.'))}
${card('histogram', 'Daily returns distribution', chart('histogram-chart', 'No daily returns.'))}
${card('rolling-sharpe', 'Rolling Sharpe', chart('rolling-sharpe-chart', 'Too few days for a rolling window.'))}
${card('rolling-volatility', 'Rolling volatility', chart('rolling-volatility-chart', 'Too few days for a rolling window.'))}
</div>
${instruments ? card('instruments', 'Prices and fills', instruments) : ''}
${card('round-trips', `Round trips <span class="count">${formatInteger(roundTripCount)}</span>`, roundTripCount === 0 ? '<p class="empty">No round trips.</p>' : '<div id="round-trips"></div>')}
${card('trades', `Trades (fills) <span class="count">${formatInteger(input.trades.length)}</span>`, input.trades.length === 0 ? '<p class="empty">No trades.</p>' : '<div id="trades"></div>')}
</main>
<footer>Generated by @lb/tearsheet. Charts drawn with uPlot ${escapeHtml(uplot.version)} (MIT). Times in UTC.</footer>
<script type="application/json" id="tearsheet-data">${serializeJsonForScript(payload)}</script>
<script>${safeInlineText(uplot.script, 'script')}</script>
<script>${clientScript}</script>
</body>
</html>
`;
}

/** Rounds chart values to 8 significant digits: invisible on a chart, and about half the bytes on long runs. */
function roundChart(chart: ChartSpec): ChartSpec {
  return {
    ...chart,
    data: chart.data.map((column, index) =>
      index === 0
        ? column
        : column.map((value) =>
            value === null || !Number.isFinite(value) ? null : Number(value.toPrecision(8)),
          ),
    ),
  };
}

function validateEquity(input: TearsheetInput): void {
  const { timesMs, values } = input.equity;
  if (timesMs.length !== values.length) {
    throw new InvalidArgumentError(
      `equity.timesMs and equity.values must have the same length, got ${timesMs.length} and ${values.length}.`,
      { argument: 'equity' },
    );
  }
  for (let index = 0; index < timesMs.length; index++) {
    const timeMs = timesMs[index]!;
    if (!Number.isFinite(timeMs)) {
      throw new InvalidArgumentError(
        `equity.timesMs[${index}] must be a finite epoch-millisecond number, got ${timeMs}.`,
        { argument: 'equity.timesMs' },
      );
    }
    if (index > 0 && timeMs < timesMs[index - 1]!) {
      throw new InvalidArgumentError(
        `equity.timesMs must be ascending; index ${index} (${timeMs}) is before index ${index - 1} (${timesMs[index - 1]}). Sort the curve by time first.`,
        { argument: 'equity.timesMs' },
      );
    }
  }
}

/** Inline third-party text must not contain its own closing tag, or the browser would end the element early. */
function safeInlineText(text: string, tag: 'script' | 'style'): string {
  return text.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);
}
