// The report's other charts as inline SVG: per-target latency over time (a line per target, failing answers marked)
// and uptime per day (a cell per lane and day, shaded by the share of healthy runs, with the figure in it). Ours, a
// few lines each, so the page bundles no chart library and needs no network.

import type { LatencySeries, UptimeRow } from './report-series.ts';
import { html, type SafeHtml } from './safe-html.ts';
import { linearScale, px, timeScale } from './svg-scale.ts';

const WIDTH = 960;
const LEFT = 56;
const RIGHT = 16;

export function latencyChartSvg(series: readonly LatencySeries[], startMs: number, endMs: number): SafeHtml {
  const height = 240;
  const top = 12;
  const bottom = height - 28;
  const max = Math.max(0, ...series.flatMap((line) => line.points.map((point) => point.latencyMs)));
  const y = linearScale(max, bottom, top);
  const x = timeScale(startMs, endMs, LEFT, WIDTH - RIGHT);
  return html`<svg class="latency" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Latency per target over time">
${y.ticks.map(
  (tick) =>
    html`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${px(y.x(tick.at))}" y2="${px(y.x(tick.at))}"/><text class="axis" x="${LEFT - 6}" y="${px(y.x(tick.at) + 4)}" text-anchor="end">${tick.label}</text>`,
)}
${x.ticks.map((tick) => html`<text class="axis" x="${px(x.x(tick.at))}" y="${height - 8}" text-anchor="middle">${tick.label}</text>`)}
<text class="axis" x="8" y="${top + 4}">ms</text>
${series.map(
  (line, index) =>
    html`<g class="series series-${index}"><polyline class="line" points="${line.points.map((point) => `${px(x.x(point.atMs))},${px(y.x(point.latencyMs))}`).join(' ')}"/>
${line.points
  .filter((point) => !point.ok)
  .map(
    (point) =>
      html`<a href="#${point.runId}" data-run="${point.runId}"><circle class="failing-point" cx="${px(x.x(point.atMs))}" cy="${px(y.x(point.latencyMs))}" r="3.5"><title>${line.label}: ${point.latencyMs} ms, failing, at ${new Date(point.atMs).toISOString()}</title></circle></a>`,
  )}</g>`,
)}
</svg>
<ul class="legend">${series.map((line, index) => html`<li class="series-${index}"><span class="swatch"></span>${line.label} (${line.points.length} points)</li>`)}</ul>`;
}

export function uptimeGridSvg(rows: readonly UptimeRow[]): SafeHtml {
  const labelWidth = 170;
  const days = rows[0]?.days.length ?? 0;
  const cell = Math.max(12, Math.min(56, (WIDTH - labelWidth - RIGHT) / Math.max(days, 1)));
  const rowHeight = 26;
  const height = 22 + rows.length * rowHeight;
  const showFigures = cell >= 34;
  const labelEvery = Math.ceil(28 / cell);
  return html`<svg class="uptime" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Uptime per day">
${(rows[0]?.days ?? []).map((day, index) =>
  index % labelEvery === 0
    ? html`<text class="axis" x="${px(labelWidth + index * cell + cell / 2)}" y="12" text-anchor="middle">${day.day.slice(5)}</text>`
    : '',
)}
${rows.map(
  (row, rowIndex) =>
    html`<text class="lane-label" x="${labelWidth - 8}" y="${px(22 + rowIndex * rowHeight + 17)}" text-anchor="end">${row.label}</text>
${row.days.map((day, index) => {
  const left = labelWidth + index * cell;
  const top = 20 + rowIndex * rowHeight;
  const figure = day.ratio === null ? '' : `${Math.floor(day.ratio * 1000) / 10}%`;
  const title =
    day.ratio === null
      ? `${day.day}: no run that counts`
      : `${day.day}: ${figure} (${day.healthy} healthy, ${day.failing} failing)`;
  return html`<g class="day ${uptimeClass(day.ratio)}"><rect x="${px(left + 1)}" y="${top}" width="${px(cell - 2)}" height="${rowHeight - 4}"><title>${title}</title></rect>${showFigures && figure !== '' ? html`<text x="${px(left + cell / 2)}" y="${top + 15}" text-anchor="middle">${figure}</text>` : ''}</g>`;
})}`,
)}
</svg>`;
}

function uptimeClass(ratio: number | null): string {
  if (ratio === null) return 'u-none';
  if (ratio >= 1) return 'u-100';
  if (ratio >= 0.99) return 'u-99';
  if (ratio >= 0.9) return 'u-90';
  return 'u-low';
}
