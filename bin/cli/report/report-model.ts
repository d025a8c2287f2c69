// What the report shows, computed from the runs it was given and nothing else (pure: runs -> model): the lanes of its
// timeline (a service's deploys and gates, each monitor) with each run, its rollback and a monitor's states over time,
// per-target latency, uptime per day, and each run's full rendering. The HTML renderers only lay this out.

import type { EvidenceDocument } from '../../../lambda/core/evidence/evidence.ts';
import type { EvidenceRun } from '../../../lambda/core/evidence-query/evidence-reader.ts';
import { serviceOf } from '../../../lambda/core/evidence-query/evidence-query.ts';
import { buildEvidenceView, headingOf, type EvidenceView } from '../evidence/evidence-view.ts';
import { latencySeriesOf, uptimeRowsOf, type LatencySeries, type UptimeRow } from './report-series.ts';

export interface ReportInput {
  /** Newest first, as the readers list them. */
  readonly runs: readonly EvidenceRun[];
  /** What the report is about, for its title: `checkout/prod`, `monitor checkout-home`, `everything`. */
  readonly subject: string;
  /** Where the records were read: `s3://bucket` or a directory. */
  readonly source: string;
  readonly generatedAt: Date;
  readonly since?: Date;
  /** More runs matched than the report holds (the newest are kept). */
  readonly truncated: boolean;
  /** Objects where records were expected that were not records. */
  readonly unreadable: number;
}

export type MonitorHealth = 'up' | 'down' | 'unknown';

export interface ReportRun {
  /** `run-0` for the newest: the anchor of its details. */
  readonly id: string;
  readonly laneId: string;
  readonly at: string;
  readonly atMs: number;
  readonly kind: string;
  readonly status: string;
  readonly statusReason: string;
  readonly heading: string;
  readonly version?: string;
  /** The rollback, when one was attempted or held back. */
  readonly rollback?: { readonly outcome: string; readonly attempted: boolean };
  /** A monitor's change of state on this run. */
  readonly transition?: { readonly from: MonitorHealth; readonly to: MonitorHealth };
  readonly key: string;
  readonly uri: string;
  readonly view: EvidenceView;
}

export interface StateSpan {
  readonly state: MonitorHealth;
  readonly fromMs: number;
  readonly toMs: number;
}

export interface ReportLane {
  readonly id: string;
  readonly label: string;
  readonly kind: 'deploys' | 'monitor' | 'gates';
  /** A monitor's state after each of its runs, as spans up to its next run (or the report's end). */
  readonly states: readonly StateSpan[];
}

export interface ReportModel {
  readonly title: string;
  /** What was asked for: runs since this time (ISO), when bounded. */
  readonly since?: string;
  readonly source: string;
  readonly generatedAt: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Newest first. */
  readonly runs: readonly ReportRun[];
  readonly lanes: readonly ReportLane[];
  readonly latency: readonly LatencySeries[];
  readonly uptime: readonly UptimeRow[];
  readonly counts: {
    readonly runs: number;
    readonly failed: number;
    readonly rollbacks: number;
    readonly deploys: number;
    readonly checks: number;
    readonly wentDown: number;
  };
  readonly truncated: boolean;
  readonly unreadable: number;
}

const HELD_BACK = new Set(['withheld', 'suppressed', 'awaiting_approval', 'rejected']);

export function buildReportModel(input: ReportInput): ReportModel {
  const runs = input.runs.map((run, index) => reportRunOf(run, index));
  const generatedMs = input.generatedAt.getTime();
  const times = runs.map((run) => run.atMs).filter(Number.isFinite);
  const newestMs = times.reduce((newest, time) => Math.max(newest, time), generatedMs);
  const oldestMs = times.reduce((oldest, time) => Math.min(oldest, time), newestMs);
  // The charts span the runs there are (a little room before the first), not the whole --since when it is quieter.
  const endMs = newestMs;
  const startMs =
    times.length > 0
      ? Math.max(input.since?.getTime() ?? Number.NEGATIVE_INFINITY, oldestMs - (endMs - oldestMs) * 0.02)
      : (input.since?.getTime() ?? generatedMs);
  const lanes = lanesOf(runs, input.runs, endMs);
  return {
    title: `Rollgate report: ${input.subject}`,
    ...(input.since !== undefined ? { since: input.since.toISOString() } : {}),
    source: input.source,
    generatedAt: input.generatedAt.toISOString(),
    startMs,
    endMs,
    runs,
    lanes,
    latency: latencySeriesOf(input.runs, runs, lanes),
    uptime: uptimeRowsOf(runs, lanes, startMs, endMs),
    counts: {
      runs: runs.length,
      failed: runs.filter((run) => run.status === 'failed').length,
      rollbacks: runs.filter((run) => run.rollback?.attempted === true).length,
      deploys: runs.filter((run) => run.kind === 'deploy').length,
      checks: runs.filter((run) => run.kind === 'check').length,
      wentDown: runs.filter((run) => run.transition?.to === 'down').length,
    },
    truncated: input.truncated,
    unreadable: input.unreadable,
  };
}

function reportRunOf(run: EvidenceRun, index: number): ReportRun {
  const document = run.document;
  const rollback = document.rollback;
  const transition = document.state?.monitor?.transition ?? null;
  const version = document.context?.deploy?.version ?? document.expected_version ?? undefined;
  // A rollback held back by a decision (lock, cooldown, pause, approval) is worth a mark; one not configured is not.
  const held = rollback !== undefined && rollback !== null && !rollback.attempted && HELD_BACK.has(rollback.outcome);
  return {
    id: `run-${index}`,
    laneId: laneOf(document).id,
    at: String(document.started_at),
    atMs: Date.parse(document.started_at),
    kind: String(document.kind),
    status: String(document.status),
    statusReason: String(document.status_reason),
    heading: headingOf(document),
    ...(version !== undefined && version !== null ? { version } : {}),
    ...(rollback?.attempted === true || held
      ? { rollback: { outcome: String(rollback!.outcome), attempted: rollback!.attempted === true } }
      : {}),
    ...(transition !== null && isHealth(transition.from) && isHealth(transition.to)
      ? { transition: { from: transition.from, to: transition.to } }
      : {}),
    key: run.key,
    uri: run.uri,
    view: buildEvidenceView(document),
  };
}

function laneOf(document: EvidenceDocument): Omit<ReportLane, 'states'> {
  const about = serviceOf(document);
  if (document.kind === 'check') {
    const name = String(document.context?.monitor ?? '(unnamed)');
    return { id: `monitor:${name}`, label: `monitor ${name}`, kind: 'monitor' };
  }
  if (about === undefined) return { id: 'gates', label: 'gates', kind: 'gates' };
  const scope = `${about.service}/${about.environment}`;
  return { id: `deploys:${scope}`, label: `deploys ${scope}`, kind: 'deploys' };
}

/** Lanes in a stable order (deploys, then gates, then monitors, each by name), with each monitor's state spans. */
function lanesOf(runs: readonly ReportRun[], sources: readonly EvidenceRun[], endMs: number): ReportLane[] {
  const lanes = new Map<string, Omit<ReportLane, 'states'>>();
  for (const source of sources) {
    const lane = laneOf(source.document);
    if (!lanes.has(lane.id)) lanes.set(lane.id, lane);
  }
  const order = { deploys: 0, gates: 1, monitor: 2 } as const;
  return [...lanes.values()]
    .sort((a, b) => order[a.kind] - order[b.kind] || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
    .map((lane) => ({ ...lane, states: lane.kind === 'monitor' ? statesOf(lane.id, runs, sources, endMs) : [] }));
}

function statesOf(
  laneId: string,
  runs: readonly ReportRun[],
  sources: readonly EvidenceRun[],
  endMs: number,
): StateSpan[] {
  const points = runs
    .map((run, index) => ({
      atMs: run.atMs,
      laneId: run.laneId,
      state: sources[index]!.document.state?.monitor?.state,
    }))
    .filter((point) => point.laneId === laneId && isHealth(point.state) && Number.isFinite(point.atMs))
    .sort((a, b) => a.atMs - b.atMs);
  const spans: StateSpan[] = [];
  points.forEach((point, index) => {
    const toMs = points[index + 1]?.atMs ?? endMs;
    const last = spans[spans.length - 1];
    if (last !== undefined && last.state === point.state) spans[spans.length - 1] = { ...last, toMs };
    else spans.push({ state: point.state as MonitorHealth, fromMs: point.atMs, toMs });
  });
  return spans;
}

function isHealth(value: unknown): value is MonitorHealth {
  return value === 'up' || value === 'down' || value === 'unknown';
}
