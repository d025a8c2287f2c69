// The report as one self-contained HTML page: its stylesheet, script and charts inline, a Content-Security-Policy that
// forbids every fetch (default-src 'none') and allows only the page's own style and script by their SHA-256, and
// every record's text escaped by html``. It opens from disk with no network and works without the script.

import { createHash } from 'node:crypto';
import { formatDuration } from '../../../lambda/core/plan/lifecycle-alerts.ts';
import { evidenceHtml } from './render-evidence-html.ts';
import type { ReportModel, ReportRun } from './report-model.ts';
import { REPORT_SCRIPT } from './report-script.ts';
import { REPORT_STYLE } from './report-style.ts';
import { html, trustedConstant, type SafeHtml } from './safe-html.ts';
import { latencyChartSvg, uptimeGridSvg } from './svg-charts.ts';
import { timelineSvg } from './svg-timeline.ts';

/** The policy the page carries: nothing may be fetched, only its own inline style and script run. */
export function contentSecurityPolicy(style: string, script: string): string {
  return [
    "default-src 'none'",
    `style-src '${sha256(style)}'`,
    `script-src '${sha256(script)}'`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderReportHtml(model: ReportModel): string {
  const asked = model.since !== undefined ? `runs since ${iso(Date.parse(model.since))}` : 'all runs';
  const range = `${asked}; shown ${iso(model.startMs)} to ${iso(model.endMs)} (${formatDuration(model.endMs - model.startMs)})`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(REPORT_STYLE, REPORT_SCRIPT)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="rollgate report">
<title>${model.title}</title>
<style>${trustedConstant(REPORT_STYLE)}</style>
</head>
<body>
<header class="page"><h1>${model.title}</h1><p>${range} · read from ${model.source} · generated ${model.generatedAt}</p></header>
${model.truncated ? html`<p class="notice">More runs matched than this report holds: it shows the newest ${model.counts.runs}. Narrow it with --since, or raise --max-runs.</p>` : ''}
${model.unreadable > 0 ? html`<p class="notice">${model.unreadable} object(s) where records were expected are not Rollgate evidence and were left out (rollgate evidence list names them).</p>` : ''}
${cards(model)}
<main class="layout">
<div>
<section><h2>Timeline</h2>
${model.runs.length === 0 ? html`<p>No runs in this range.</p>` : timelineSvg(model)}
<ul class="key"><li>◆ deploy</li><li>● check</li><li>■ CLI gate</li><li>green passed, red failed, grey skipped</li><li>▼ rollback (filled: it ran; hollow: held back)</li><li>band: a monitor's state (green up, red down, grey unknown)</li></ul>
</section>
<section><h2>Latency per target</h2>
${model.latency.length === 0 ? html`<p>No latency recorded.</p>` : latencyChartSvg(model.latency, model.startMs, model.endMs)}
</section>
<section><h2>Uptime per day (UTC)</h2>
${model.uptime.length === 0 ? html`<p>No runs in this range.</p>` : uptimeGridSvg(model.uptime)}
<p class="rule">The share of runs that found the service healthy; runs that said nothing of it (skipped, invalid config, a prober that could not check) are left out.</p>
</section>
<section><h2>Runs</h2>
<p class="filter"><label>Show <select id="status-filter"><option value="all">all runs</option><option value="failed">failed</option><option value="passed">passed</option><option value="skipped">skipped</option></select></label></p>
${runsTable(model.runs)}
</section>
</div>
<aside id="details"><h2>Details</h2><p id="details-empty">Click a run on the timeline, a red point or a row to see its full record.</p>
${model.runs.map((run) => html`<section class="run-detail" id="${run.id}" data-key="${run.key}">${evidenceHtml(run.view, run.uri)}</section>`)}
</aside>
</main>
<script>${trustedConstant(REPORT_SCRIPT)}</script>
</body>
</html>
`;
  return page.toString();
}

function cards(model: ReportModel): SafeHtml {
  const { counts } = model;
  return html`<ul class="cards">
<li><b>${counts.runs}</b>runs</li>
<li class="${counts.failed > 0 ? 'bad' : ''}"><b>${counts.failed}</b>failed</li>
<li class="${counts.rollbacks > 0 ? 'bad' : ''}"><b>${counts.rollbacks}</b>rollbacks</li>
<li class="${counts.wentDown > 0 ? 'bad' : ''}"><b>${counts.wentDown}</b>times a monitor went down</li>
<li><b>${counts.deploys}</b>deploys</li>
<li><b>${counts.checks}</b>checks</li>
</ul>`;
}

function runsTable(runs: readonly ReportRun[]): SafeHtml {
  return html`<table id="runs"><thead><tr><th>Started (UTC)</th><th>Run</th><th>Verdict</th><th>Reason</th><th>Rollback</th><th>Monitor</th></tr></thead><tbody>
${runs.map(
  (run) =>
    html`<tr data-run="${run.id}" data-status="${run.status}" tabindex="0"><td><a href="#${run.id}" data-run="${run.id}">${run.at.replace('T', ' ').slice(0, 19)}</a></td><td>${run.heading}</td><td class="status-${run.status}">${run.status}</td><td>${run.statusReason}</td><td>${run.rollback?.outcome ?? ''}</td><td>${run.transition === undefined ? '' : `${run.transition.from} → ${run.transition.to}`}</td></tr>`,
)}
</tbody></table>`;
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : '?';
}
