/** The page's own stylesheet (uPlot's is inlined beside it). */
export const pageCss = `
:root { color-scheme: light; --text: #1f2933; --muted: #616e7c; --line: #e4e7eb; --bg: #f5f7fa; --card: #fff;
  --accent: #2563eb; --positive: #047857; --negative: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; }
.page-header { background: #111827; color: #f9fafb; padding: 24px 32px; }
.page-header h1 { margin: 0; font-size: 24px; font-weight: 600; letter-spacing: -0.01em; }
.subtitle, .data-source { margin: 6px 0 0; color: #cbd2d9; }
.data-source strong { color: #f9fafb; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 32px; display: grid; gap: 20px; }
.grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 20px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; min-width: 0; }
.card h2 { margin: 0 0 12px; font-size: 15px; font-weight: 600; }
.card h3 { margin: 12px 0 8px; font-size: 14px; font-weight: 600; }
.warnings { border-color: #f59e0b; background: #fffbeb; }
.warnings ul { margin: 0; padding-left: 20px; }
.count { color: var(--muted); font-weight: 400; margin-left: 4px; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin: 0; }
.stat { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.stat dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.stat dd { margin: 4px 0 0; font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.chart { width: 100%; min-height: 280px; }
.uplot { font-family: inherit; }
.empty, .note { color: var(--muted); margin: 0 0 8px; }
.table-scroll { max-height: 520px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
.trades, .heatmap { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
.trades th, .trades td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
.trades th, .heatmap thead th { position: sticky; top: 0; background: #f9fafb; font-weight: 600; color: var(--muted); font-size: 12px;
  text-transform: uppercase; letter-spacing: 0.04em; }
.trades tbody tr:hover { background: #f5f7fa; }
.trades .num { text-align: right; }
.heatmap th, .heatmap td { padding: 6px 8px; text-align: right; border: 1px solid #fff; white-space: nowrap; font-size: 12px; }
.heatmap tbody th { text-align: left; color: var(--muted); }
.heat-strong { color: #fff; }
.heat-year { font-weight: 600; }
.side { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; text-transform: uppercase; }
.side-buy, .side-long { background: #d1fae5; color: var(--positive); }
.side-sell, .side-short { background: #fee2e2; color: var(--negative); }
.positive { color: var(--positive); }
.negative { color: var(--negative); }
.pager { display: flex; align-items: center; gap: 10px; margin: 0 0 8px; color: var(--muted); }
.pager button { font: inherit; padding: 2px 10px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; }
.pager button:disabled { opacity: 0.4; cursor: default; }
footer { max-width: 1280px; margin: 0 auto; padding: 0 32px 32px; color: var(--muted); font-size: 12px; }
`;

/**
 * Runs in the page: draws every chart from the embedded JSON with the inlined uPlot global (times in UTC),
 * builds the paged tables with DOM text nodes (never innerHTML, so data cannot inject markup), and keeps the
 * charts full width on resize. When done it sets `data-charts-ready` (charts drawn) and `data-render-ms`
 * (milliseconds since navigation start) on <body>, for tests and for anyone timing a large page.
 */
export const clientScript = `
(function () {
  'use strict';
  var payload = JSON.parse(document.getElementById('tearsheet-data').textContent);
  var plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  var fixed2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  function formatValue(kind, value) {
    if (value == null) return '—';
    if (kind === 'percent') return fixed2.format(value) + '%';
    if (kind === 'count') return integer.format(value);
    return plain.format(value);
  }
  function formatAxis(kind, value) {
    if (kind === 'percent') return (+value.toFixed(2)) + '%';
    return plain.format(value);
  }
  function utcDate(seconds) { return uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'); }
  var barPaths = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.8, 80] }) : undefined;
  var noPath = function () { return null; };
  var axisStyle = { stroke: '#616e7c', grid: { stroke: '#eef1f4' }, ticks: { stroke: '#e4e7eb' } };
  var charts = [];
  payload.charts.forEach(function (spec) {
    var element = document.getElementById(spec.id);
    if (!element) return;
    var yKind = spec.series[0].format;
    var xSeries = spec.time
      ? { label: 'Time (UTC)', value: '{YYYY}-{MM}-{DD} {HH}:{mm}' }
      : { label: spec.xFormat === 'year' ? 'Year' : 'Daily return',
          value: function (u, v) { return v == null ? '—' : spec.xFormat === 'year' ? String(v) : fixed2.format(v) + '%'; } };
    var series = [xSeries];
    spec.series.forEach(function (item) {
      var definition = { label: item.label, stroke: item.stroke, width: item.markers ? 0 : 1.5, spanGaps: !!item.spanGaps,
        value: function (u, v) { return formatValue(item.format, v); } };
      if (item.fill) definition.fill = item.fill;
      if (item.bars) { definition.paths = barPaths; definition.points = { show: false }; }
      else if (item.markers) { definition.paths = noPath; definition.points = { show: true, space: 0, size: 9, width: 1, stroke: '#fff', fill: item.fill }; }
      else definition.points = { show: false };
      series.push(definition);
    });
    var xAxis = Object.assign({}, axisStyle);
    if (!spec.time) {
      xAxis.values = function (u, splits) {
        return splits.map(function (v) {
          if (spec.xFormat === 'year') return Number.isInteger(v) ? String(v) : '';
          return (+v.toFixed(2)) + '%';
        });
      };
    }
    var yScale = {};
    if (spec.zeroTop) yScale.range = function (u, min, max) { return [Math.min(min, -0.01) * 1.05, 0]; };
    else if (spec.zeroBased) yScale.range = function (u, min, max) {
      var low = Math.min(0, min), high = Math.max(0, max);
      if (low === high) return [-1, 1];
      var pad = (high - low) * 0.08;
      return [low < 0 ? low - pad : 0, high > 0 ? high + pad : 0];
    };
    var xScale = spec.time ? { time: true } : { time: false };
    if (spec.xRange) xScale.range = function () { return spec.xRange; };
    var options = {
      width: Math.max(320, element.clientWidth),
      height: 280,
      tzDate: utcDate,
      cursor: spec.time ? { drag: { x: true, y: false }, sync: { key: 'tearsheet' } } : { drag: { x: false, y: false } },
      scales: { x: xScale, y: yScale },
      axes: [xAxis, Object.assign({}, axisStyle, { size: 70,
        values: function (u, splits) { return splits.map(function (v) { return formatAxis(yKind, v); }); } })],
      series: series,
    };
    charts.push({ element: element, plot: new uPlot(options, spec.data, element) });
  });

  function pagedTable(id, table) {
    var root = document.getElementById(id);
    if (!root || !table) return;
    var pageSize = payload.pageSize;
    var pageCount = Math.max(1, Math.ceil(table.rows.length / pageSize));
    var page = 0;
    var pager = document.createElement('div');
    pager.className = 'pager';
    var previous = document.createElement('button');
    previous.type = 'button';
    previous.className = 'page-previous';
    previous.textContent = '‹ Previous';
    var next = document.createElement('button');
    next.type = 'button';
    next.className = 'page-next';
    next.textContent = 'Next ›';
    var info = document.createElement('span');
    info.className = 'page-info';
    pager.appendChild(previous);
    pager.appendChild(info);
    pager.appendChild(next);
    var scroll = document.createElement('div');
    scroll.className = 'table-scroll';
    var tableElement = document.createElement('table');
    tableElement.className = 'trades';
    var head = document.createElement('thead');
    var headRow = document.createElement('tr');
    table.columns.forEach(function (column) {
      var cell = document.createElement('th');
      cell.textContent = column.label;
      if (column.numeric) cell.className = 'num';
      headRow.appendChild(cell);
    });
    head.appendChild(headRow);
    var body = document.createElement('tbody');
    tableElement.appendChild(head);
    tableElement.appendChild(body);
    scroll.appendChild(tableElement);
    root.appendChild(pager);
    root.appendChild(scroll);
    function show(target) {
      page = Math.max(0, Math.min(pageCount - 1, target));
      var first = page * pageSize;
      var rows = table.rows.slice(first, first + pageSize);
      var fragment = document.createDocumentFragment();
      rows.forEach(function (row) {
        var tr = document.createElement('tr');
        row.forEach(function (text, index) {
          var column = table.columns[index];
          var td = document.createElement('td');
          if (column.numeric) td.className = 'num';
          if (column.label === 'Side') {
            var badge = document.createElement('span');
            badge.className = 'side side-' + text;
            badge.textContent = text;
            td.appendChild(badge);
          } else {
            td.textContent = text;
            if (column.signed && text !== '' && text !== '0.00') td.className += text.charAt(0) === '-' ? ' negative' : ' positive';
          }
          tr.appendChild(td);
        });
        fragment.appendChild(tr);
      });
      body.replaceChildren(fragment);
      info.textContent = 'Page ' + integer.format(page + 1) + ' of ' + integer.format(pageCount) + ' · rows ' +
        integer.format(rows.length === 0 ? 0 : first + 1) + '–' + integer.format(first + rows.length) + ' of ' + integer.format(table.rows.length);
      previous.disabled = page === 0;
      next.disabled = page >= pageCount - 1;
    }
    previous.addEventListener('click', function () { show(page - 1); });
    next.addEventListener('click', function () { show(page + 1); });
    show(0);
  }
  pagedTable('round-trips', payload.tables.roundTrips);
  pagedTable('trades', payload.tables.trades);

  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (chart) {
        chart.plot.setSize({ width: Math.max(320, chart.element.clientWidth), height: 280 });
      });
    }, 100);
  });
  document.body.setAttribute('data-render-ms', String(Math.round(performance.now())));
  document.body.setAttribute('data-charts-ready', String(charts.length));
})();
`;
