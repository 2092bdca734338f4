import { escapeHtml } from './escape-html.js';
import { formatInteger, formatNumber, formatPercent } from './format-number.js';
import type { TearsheetInput } from './tearsheet-input.js';

/** A paged table for the page script: headers and pre-formatted cells, so rendering stays deterministic. */
export interface PagedTable {
  columns: Array<{ label: string; numeric: boolean; signed?: boolean }>;
  rows: string[][];
}

export function renderStats(input: TearsheetInput): string {
  if (input.stats.length === 0) return '<p class="empty">No statistics.</p>';
  const cards = input.stats
    .map(
      (stat) =>
        `<div class="stat"><dt>${escapeHtml(String(stat.label))}</dt><dd>${escapeHtml(String(stat.value))}</dd></div>`,
    )
    .join('\n');
  return `<dl id="stats" class="stats">\n${cards}\n</dl>`;
}

export function renderWarnings(warnings: readonly string[] | undefined): string {
  if (!warnings || warnings.length === 0) return '';
  const items = warnings.map((warning) => `<li>${escapeHtml(String(warning))}</li>`).join('\n');
  return `<section class="card warnings" aria-labelledby="warnings-heading">
<h2 id="warnings-heading">Warnings <span class="count">${formatInteger(warnings.length)}</span></h2>
<ul id="warnings">
${items}
</ul>
</section>`;
}

export function renderWorstDrawdowns(input: TearsheetInput): string {
  const drawdowns = input.worstDrawdowns ?? [];
  if (drawdowns.length === 0) return '<p class="empty">No drawdown.</p>';
  const rows = drawdowns
    .map(
      (drawdown) =>
        `<tr><td>${escapeHtml(String(drawdown.start))}</td><td>${escapeHtml(String(drawdown.trough))}</td>` +
        `<td>${drawdown.recovery === null ? 'not recovered' : escapeHtml(String(drawdown.recovery))}</td>` +
        `<td class="num negative">${formatPercent(-drawdown.depth)}</td>` +
        `<td class="num">${formatNumber(drawdown.lengthDays, 1, 1)}</td></tr>`,
    )
    .join('\n');
  return `<div class="table-scroll"><table id="worst-drawdowns" class="trades">
<thead><tr><th>Peak</th><th>Trough</th><th>Recovery</th><th class="num">Depth</th><th class="num">Days</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}

const monthLabels = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Monthly returns as a year x month table; each cell's colour deepens with the size of its return. */
export function renderHeatmap(input: TearsheetInput): string {
  const monthly = input.monthlyReturns ?? {};
  const years = Object.keys(monthly).sort();
  if (years.length === 0) return '<p class="empty">No monthly returns.</p>';
  let largest = 0;
  for (const year of years) {
    for (const value of Object.values(monthly[year]!)) largest = Math.max(largest, Math.abs(value));
  }
  const cell = (value: number | undefined, extraClass = '') => {
    if (value === undefined || !Number.isFinite(value)) return `<td class="heat-empty${extraClass}"></td>`;
    const strength = largest === 0 ? 0 : Math.min(1, Math.abs(value) / largest);
    const color = value >= 0 ? '4, 120, 87' : '185, 28, 28';
    const alpha = (0.12 + 0.78 * strength).toFixed(3);
    const ink = strength > 0.55 ? ' heat-strong' : '';
    return `<td class="heat-cell${ink}${extraClass}" data-value="${value}" style="background: rgba(${color}, ${alpha})">${formatPercent(value)}</td>`;
  };
  const rows = years
    .map((year) => {
      const months = monthLabels.map((_, index) => cell(monthly[year]![String(index + 1)])).join('');
      return `<tr><th scope="row">${escapeHtml(year)}</th>${months}${cell(input.yearlyReturns?.[year], ' heat-year')}</tr>`;
    })
    .join('\n');
  return `<div class="table-scroll"><table id="monthly-returns" class="heatmap">
<thead><tr><th>Year</th>${monthLabels.map((label) => `<th>${label}</th>`).join('')}<th>Year</th></tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}

/** The fills as a paged table. */
export function buildTradesTable(input: TearsheetInput): PagedTable {
  return {
    columns: [
      { label: 'Time', numeric: false },
      { label: 'Symbol', numeric: false },
      { label: 'Side', numeric: false },
      { label: 'Quantity', numeric: true },
      { label: 'Price', numeric: true },
      { label: 'Fee', numeric: true },
      { label: 'P&L', numeric: true, signed: true },
      { label: 'Tag', numeric: false },
    ],
    rows: input.trades.map((trade) => [
      String(trade.time),
      String(trade.symbol),
      trade.side === 'sell' ? 'sell' : 'buy',
      formatNumber(trade.quantity, 0, 8),
      formatNumber(trade.price, 2, 8),
      formatNumber(trade.fee, 2, 8),
      trade.pnl === undefined ? '' : formatNumber(trade.pnl, 2, 2),
      trade.tag === undefined ? '' : String(trade.tag),
    ]),
  };
}

/** The round trips as a paged table. */
export function buildRoundTripsTable(input: TearsheetInput): PagedTable {
  return {
    columns: [
      { label: 'Symbol', numeric: false },
      { label: 'Side', numeric: false },
      { label: 'Entry', numeric: false },
      { label: 'Exit', numeric: false },
      { label: 'Quantity', numeric: true },
      { label: 'Entry price', numeric: true },
      { label: 'Exit price', numeric: true },
      { label: 'Net P&L', numeric: true, signed: true },
      { label: 'Fees', numeric: true },
      { label: 'MAE', numeric: true, signed: true },
      { label: 'MFE', numeric: true, signed: true },
      { label: 'Exit tag', numeric: false },
    ],
    rows: (input.roundTrips ?? []).map((trip) => [
      String(trip.symbol),
      trip.direction === 'short' ? 'short' : 'long',
      String(trip.entryTime),
      String(trip.exitTime),
      formatNumber(trip.quantity, 0, 8),
      formatNumber(trip.entryPrice, 2, 8),
      formatNumber(trip.exitPrice, 2, 8),
      formatNumber(trip.netPnl, 2, 2),
      formatNumber(trip.fees, 2, 2),
      trip.mae === undefined || trip.mae === null ? '' : formatNumber(trip.mae, 2, 2),
      trip.mfe === undefined || trip.mfe === null ? '' : formatNumber(trip.mfe, 2, 2),
      trip.exitTag === undefined ? '' : String(trip.exitTag),
    ]),
  };
}
