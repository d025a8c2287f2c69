// The report's timeline as inline SVG: one lane per service's deploys and per monitor, the monitor's state as a band
// (up, down, unknown) behind its runs, each run a marker coloured by its verdict (a diamond for a deploy, a circle for
// a check, a square for a CLI gate) that links to its details, a mark above it for a rollback, and a label where a
// monitor went down or came back. All text goes through html``.

import type { ReportModel, ReportRun } from './report-model.ts';
import { html, type SafeHtml } from './safe-html.ts';
import { px, timeScale } from './svg-scale.ts';

const WIDTH = 960;
const LABEL_WIDTH = 170;
const RIGHT_PAD = 16;
const AXIS_HEIGHT = 24;
const LANE_HEIGHT = 46;
const MARKER = 6;

export function timelineSvg(model: ReportModel): SafeHtml {
  const scale = timeScale(model.startMs, model.endMs, LABEL_WIDTH, WIDTH - RIGHT_PAD);
  const height = AXIS_HEIGHT + model.lanes.length * LANE_HEIGHT + 8;
  const laneIndex = new Map(model.lanes.map((lane, index) => [lane.id, index]));
  const laneTop = (index: number): number => AXIS_HEIGHT + index * LANE_HEIGHT;
  // Oldest first, so the newest marker is drawn last, on top.
  const runs = [...model.runs].reverse().filter((run) => Number.isFinite(run.atMs) && laneIndex.has(run.laneId));
  return html`<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="Timeline of runs">
${scale.ticks.map(
  (tick) =>
    html`<line class="grid" x1="${px(scale.x(tick.at))}" x2="${px(scale.x(tick.at))}" y1="${AXIS_HEIGHT - 4}" y2="${height - 8}"/><text class="axis" x="${px(scale.x(tick.at))}" y="14" text-anchor="middle">${tick.label}</text>`,
)}
${model.lanes.map((lane, index) => {
  const top = laneTop(index);
  return html`<g class="lane" data-lane="${lane.id}"><rect class="lane-bg" x="${LABEL_WIDTH}" y="${top + 4}" width="${WIDTH - RIGHT_PAD - LABEL_WIDTH}" height="${LANE_HEIGHT - 8}"/>
${lane.states.map(
  (span) =>
    html`<rect class="state state-${span.state}" x="${px(scale.x(span.fromMs))}" y="${top + LANE_HEIGHT - 12}" width="${px(Math.max(1, scale.x(span.toMs) - scale.x(span.fromMs)))}" height="6"><title>${span.state} from ${new Date(span.fromMs).toISOString()}</title></rect>`,
)}<text class="lane-label" x="${LABEL_WIDTH - 8}" y="${top + LANE_HEIGHT / 2 + 4}" text-anchor="end">${lane.label}</text></g>`;
})}
${runs.map((run) => marker(run, scale.x(run.atMs), laneTop(laneIndex.get(run.laneId)!) + LANE_HEIGHT / 2 - 2))}
</svg>`;
}

function marker(run: ReportRun, x: number, y: number): SafeHtml {
  const shape =
    run.kind === 'deploy'
      ? html`<path class="shape" d="M${px(x)} ${px(y - MARKER - 1)}l${MARKER + 1} ${MARKER + 1}l${-MARKER - 1} ${MARKER + 1}l${-MARKER - 1} ${-MARKER - 1}z"/>`
      : run.kind === 'check'
        ? html`<circle class="shape" cx="${px(x)}" cy="${px(y)}" r="${MARKER - 1}"/>`
        : html`<rect class="shape" x="${px(x - MARKER + 1)}" y="${px(y - MARKER + 1)}" width="${2 * MARKER - 2}" height="${2 * MARKER - 2}"/>`;
  const rollback =
    run.rollback === undefined
      ? ''
      : html`<path class="rollback rollback-${run.rollback.attempted ? 'run' : 'held'}" d="M${px(x - 4)} ${px(y - MARKER - 9)}h8l-4 5z"/>`;
  const transition =
    run.transition === undefined
      ? ''
      : // Going down is labelled to the left of its run and coming back to the right, so a short outage keeps both legible.
        html`<text class="transition transition-${run.transition.to}" x="${px(run.transition.to === 'down' ? x - 3 : x + 3)}" y="${px(y - MARKER - 4)}" text-anchor="${run.transition.to === 'down' ? 'end' : 'start'}">${run.transition.to === 'up' && run.transition.from === 'down' ? 'recovered' : run.transition.to}</text>`;
  const rollbackWords = run.rollback === undefined ? '' : `, rollback ${run.rollback.outcome}`;
  return html`<a class="marker status-${run.status}" href="#${run.id}" data-run="${run.id}"><title>${run.at} ${run.heading}: ${run.status} (${run.statusReason})${rollbackWords}</title>${shape}${rollback}${transition}</a>`;
}
