import type { ParameterValue } from './parameter-grid.js';
import type { SweepResult } from './run-sweep.js';
import { formatMetric, metricValue, SWEEP_METRICS, type SweepMetric } from './sweep-csv.js';

/** Settings of {@link renderSweepHtml}. */
export interface SweepHtmlSettings {
  readonly title: string;
  readonly results: readonly SweepResult[];
  readonly parameterNames: readonly string[];
  /** Metric the table is first sorted by (descending) and the heatmap shows. */
  readonly sortBy: SweepMetric;
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => escapes[character]!);
}

// Sorting happens in the page: a click on a header sorts by that column (numbers numerically, empty cells
// last), a second click reverses. No external script, so the file works offline and from disk.
const SORT_SCRIPT = `
document.querySelectorAll('#results th').forEach((header, column) => {
  header.addEventListener('click', () => {
    const body = document.querySelector('#results tbody');
    const descending = header.dataset.order !== 'desc';
    document.querySelectorAll('#results th').forEach((other) => delete other.dataset.order);
    header.dataset.order = descending ? 'desc' : 'asc';
    const key = (row) => row.children[column].dataset.value;
    const rows = [...body.rows].sort((a, b) => {
      const left = key(a), right = key(b);
      if (left === '' || right === '') return (left === '') - (right === '');
      const difference = isNaN(left) || isNaN(right) ? String(left).localeCompare(right) : Number(left) - Number(right);
      return descending ? -difference : difference;
    });
    body.append(...rows);
  });
});`;

/**
 * The sweep page: every parameter set in a sortable table and, for a two-parameter grid, a heatmap of the
 * sort metric (first parameter down, second across). Self-contained HTML, all text escaped.
 */
export function renderSweepHtml(settings: SweepHtmlSettings): string {
  const { results, parameterNames: names, sortBy } = settings;
  const sorted = [...results].sort((left, right) => {
    const a = metricValue(left, sortBy);
    const b = metricValue(right, sortBy);
    if (a === null || b === null)
      return (a === null ? 1 : 0) - (b === null ? 1 : 0) || left.index - right.index;
    return b - a || left.index - right.index;
  });
  const header = [...names, ...SWEEP_METRICS]
    .map((name) => `<th${name === sortBy ? ' data-order="desc"' : ''}>${escapeHtml(name)}</th>`)
    .join('');
  const rows = sorted
    .map((result) => {
      const parameterCells = names.map((name) => {
        const value = result.parameters[name];
        const text = value === undefined ? '' : String(value);
        return `<td data-value="${escapeHtml(text)}">${escapeHtml(text)}</td>`;
      });
      const metricCells = SWEEP_METRICS.map((metric) => {
        const text = formatMetric(metric, metricValue(result, metric));
        return `<td data-value="${text}">${text}</td>`;
      });
      return `<tr>${[...parameterCells, ...metricCells].join('')}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(settings.title)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
#results th { cursor: pointer; background: #f4f4f4; }
#results th[data-order="desc"]::after { content: ' \\25BC'; }
#results th[data-order="asc"]::after { content: ' \\25B2'; }
</style>
</head>
<body>
<h1>${escapeHtml(settings.title)}</h1>
<p>${results.length} parameter sets, sorted by ${escapeHtml(sortBy)} (click a header to sort).</p>
${names.length === 2 ? renderHeatmap(results, names as [string, string], sortBy) : ''}
<table id="results">
<thead><tr>${header}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<script>${SORT_SCRIPT}</script>
</body>
</html>
`;
}

function distinct(values: readonly (ParameterValue | undefined)[]): ParameterValue[] {
  const seen = new Map<string, ParameterValue>();
  for (const value of values) if (value !== undefined) seen.set(`${typeof value}:${String(value)}`, value);
  return [...seen.values()];
}

function renderHeatmap(
  results: readonly SweepResult[],
  names: [string, string],
  metric: SweepMetric,
): string {
  const [rowName, columnName] = names;
  const rowValues = distinct(results.map((result) => result.parameters[rowName]));
  const columnValues = distinct(results.map((result) => result.parameters[columnName]));
  const values = results.map((result) => metricValue(result, metric)).filter((value) => value !== null);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const cell = (rowValue: ParameterValue, columnValue: ParameterValue) => {
    const result = results.find(
      (candidate) =>
        candidate.parameters[rowName] === rowValue && candidate.parameters[columnName] === columnValue,
    );
    const value = result === undefined ? null : metricValue(result, metric);
    if (value === null) return '<td></td>';
    // Red (worse) to green (better) on the metric's own range; less drawdown and fewer fees are better.
    const position = high === low ? 0.5 : (value - low) / (high - low);
    const share = metric === 'max_drawdown' || metric === 'fees' ? 1 - position : position;
    const hue = Math.round(share * 120);
    return `<td style="background: hsl(${hue} 70% 80%)">${formatMetric(metric, value)}</td>`;
  };
  const head = `<tr><th>${escapeHtml(rowName)} \\ ${escapeHtml(columnName)}</th>${columnValues
    .map((value) => `<th>${escapeHtml(String(value))}</th>`)
    .join('')}</tr>`;
  const body = rowValues
    .map(
      (rowValue) =>
        `<tr><th>${escapeHtml(String(rowValue))}</th>${columnValues.map((columnValue) => cell(rowValue, columnValue)).join('')}</tr>`,
    )
    .join('\n');
  return `<h2>${escapeHtml(metric)} heatmap</h2>\n<table id="heatmap">\n${head}\n${body}\n</table>`;
}
