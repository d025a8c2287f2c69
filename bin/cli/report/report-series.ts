// The report's two series: per-target latency over time (each round of a watch window, else each run's deciding
// attempt) and uptime per UTC day (the share of runs that found the service healthy, leaving out the runs that said
// nothing of it: skipped, invalid config, a prober that could not check, an interrupted run).

import type { EvidenceRun } from '../../../lambda/core/evidence-query/evidence-reader.ts';
import { windowOf } from '../evidence/evidence-window-fields.ts';
import type { ReportLane, ReportRun } from './report-model.ts';

/** Series drawn, at most: the targets with the most points. */
export const MAX_LATENCY_SERIES = 8;
/** Days shown in the uptime grid, at most: the latest ones. */
export const MAX_UPTIME_DAYS = 62;
const DAY_MS = 86_400_000;
const SAYS_NOTHING = new Set(['no_urls_configured', 'invalid_config', 'prober_unavailable', 'interrupted']);

export interface LatencyPoint {
  readonly atMs: number;
  readonly latencyMs: number;
  readonly ok: boolean;
  readonly runId: string;
}

export interface LatencySeries {
  readonly label: string;
  /** Oldest first. */
  readonly points: readonly LatencyPoint[];
}

export interface UptimeDay {
  /** `2026-11-23` (UTC). */
  readonly day: string;
  readonly healthy: number;
  readonly failing: number;
  /** healthy / (healthy + failing), or null for a day with no run that counts. */
  readonly ratio: number | null;
}

export interface UptimeRow {
  readonly laneId: string;
  readonly label: string;
  readonly days: readonly UptimeDay[];
}

/** `runs` and `reportRuns` are the same runs, in the same order. */
export function latencySeriesOf(
  runs: readonly EvidenceRun[],
  reportRuns: readonly ReportRun[],
  laneList: readonly ReportLane[],
): LatencySeries[] {
  const lanes = new Set(reportRuns.map((run) => run.laneId));
  const laneLabels = new Map(laneList.map((lane) => [lane.id, lane.label]));
  const series = new Map<string, LatencyPoint[]>();
  const add = (label: string, point: LatencyPoint): void => {
    if (!Number.isFinite(point.atMs) || !Number.isFinite(point.latencyMs)) return;
    const points = series.get(label) ?? [];
    points.push(point);
    series.set(label, points);
  };
  runs.forEach((run, index) => {
    const reportRun = reportRuns[index]!;
    // Targets of different lanes may share a name: the lane says whose it is.
    const suffix = lanes.size > 1 ? ` (${laneLabels.get(reportRun.laneId) ?? reportRun.laneId})` : '';
    const rounds = windowOf(run.document)?.rounds ?? [];
    if (rounds.length > 0) {
      for (const round of rounds) {
        for (const target of round.targets) {
          add(`${target.name ?? target.url}${suffix}`, {
            atMs: Date.parse(round.at),
            latencyMs: target.latency_ms,
            ok: target.ok,
            runId: reportRun.id,
          });
        }
      }
      return;
    }
    for (const target of run.document.targets ?? []) {
      const last = target.attempts?.[target.attempts.length - 1];
      if (last === undefined) continue;
      add(`${target.name ?? target.url}${suffix}`, {
        atMs: reportRun.atMs,
        latencyMs: last.latency_ms,
        ok: target.ok,
        runId: reportRun.id,
      });
    }
  });
  return [...series.entries()]
    .map(([label, points]) => ({ label, points: points.sort((a, b) => a.atMs - b.atMs) }))
    .sort((a, b) => b.points.length - a.points.length || (a.label < b.label ? -1 : 1))
    .slice(0, MAX_LATENCY_SERIES);
}

export function uptimeRowsOf(
  runs: readonly ReportRun[],
  lanes: readonly ReportLane[],
  startMs: number,
  endMs: number,
): UptimeRow[] {
  const lastDay = Math.floor(endMs / DAY_MS);
  const firstDay = Math.max(Math.floor(startMs / DAY_MS), lastDay - MAX_UPTIME_DAYS + 1);
  const days = Array.from({ length: Math.max(0, lastDay - firstDay + 1) }, (_, index) =>
    new Date((firstDay + index) * DAY_MS).toISOString().slice(0, 10),
  );
  return lanes.map((lane) => {
    const counts = new Map(days.map((day) => [day, { healthy: 0, failing: 0 }]));
    for (const run of runs) {
      if (run.laneId !== lane.id || SAYS_NOTHING.has(run.statusReason) || !Number.isFinite(run.atMs)) continue;
      const count = counts.get(new Date(run.atMs).toISOString().slice(0, 10));
      if (count === undefined) continue;
      if (run.status === 'passed') count.healthy += 1;
      else if (run.status === 'failed') count.failing += 1;
    }
    return {
      laneId: lane.id,
      label: lane.label,
      days: days.map((day) => {
        const { healthy, failing } = counts.get(day)!;
        return { day, healthy, failing, ratio: healthy + failing === 0 ? null : healthy / (healthy + failing) };
      }),
    };
  });
}
