// `rollgate status` as a table for a terminal (the state coloured when asked) and as JSON for scripts. Times in the
// table are ages ("12m ago"); the JSON keeps the exact timestamps. Names and text come from the state store, so every
// line is made printable first.

import type { Approval } from '../../../lambda/core/state/approval.ts';
import { printableLine } from '../evidence/evidence-view-text.ts';
import type { StatusActivity, StatusReport, StatusRow, StatusState } from './status-rows.ts';

const COLORS: { readonly [S in StatusState]: string } = {
  down: '\x1b[1;31m',
  unknown: '\x1b[33m',
  paused: '\x1b[36m',
  up: '\x1b[32m',
};
const RESET = '\x1b[0m';
const HEADINGS = [
  'STATE',
  'KIND',
  'NAME',
  'SINCE',
  'LAST VERDICT',
  'DEPLOYED',
  'KNOWN-GOOD',
  'UNDER WAY',
  'LAST ALERT',
];

export interface StatusTableOptions {
  readonly color: boolean;
  /** Where the state was read, for the heading. */
  readonly store: string;
}

export function renderStatusTable(report: StatusReport, options: StatusTableOptions): string {
  const now = Date.parse(report.at);
  const down = report.rows.filter((row) => row.state === 'down').length;
  const heading = `rollgate status at ${report.at} (${options.store}): ${report.rows.length} watched, ${down} down`;
  if (report.rows.length === 0)
    return `${printableLine(heading)}\nNothing recorded yet: no service or monitor has run with this state store.\n`;
  const cells = report.rows.map((row) => cellsOf(row, now));
  const widths = HEADINGS.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column]!.length)));
  const line = (values: readonly string[], state?: StatusState): string =>
    values
      .map((value, column) => {
        const padded = column === values.length - 1 ? value : value.padEnd(widths[column]!);
        return column === 0 && state !== undefined && options.color ? `${COLORS[state]}${padded}${RESET}` : padded;
      })
      .join('  ')
      .trimEnd();
  const body = report.rows.map((row, index) => line(cells[index]!.map(printableLine), row.state));
  return `${[printableLine(heading), line(HEADINGS), ...body].join('\n')}\n`;
}

function cellsOf(row: StatusRow, now: number): string[] {
  const verdict = row.lastRun === undefined ? '-' : `${row.lastRun.status} ${ago(row.lastRun.at, now)}`;
  return [
    row.state === 'paused' ? `paused (${row.health})` : row.state,
    row.kind,
    row.name,
    row.since === undefined ? '-' : ago(row.since, now),
    verdict,
    row.deployed ?? '-',
    row.knownGood ?? '-',
    underWay(row, now),
    row.lastAlertAt === undefined ? '-' : ago(row.lastAlertAt, now),
  ];
}

function activityJson(activity: StatusActivity): Record<string, string> {
  const { targetVersion, ...rest } = activity as StatusActivity & { targetVersion?: string };
  return { ...rest, ...(targetVersion !== undefined ? { target_version: targetVersion } : {}) };
}

function withoutTaskToken({ taskToken: _token, ...approval }: Approval): Omit<Approval, 'taskToken'> {
  return approval;
}

function underWay(row: StatusRow, now: number): string {
  const activity = row.activity;
  if (activity === undefined) {
    return row.pause === undefined ? '-' : `paused until ${clock(row.pause.until, now)}: ${row.pause.reason}`;
  }
  switch (activity.kind) {
    case 'approval':
      return `rollback${activity.targetVersion === undefined ? '' : ` to ${activity.targetVersion}`} awaits approval until ${clock(activity.until, now)}`;
    case 'rollback_lock':
      return `rollback by ${activity.owner} (lock until ${clock(activity.until, now)})`;
    case 'deploy':
    case 'rollback':
      return `${activity.kind} of ${activity.version} started ${ago(activity.since, now)}`;
  }
}

/** `14:03Z` within a day of now, else `2026-11-23 14:03Z`. */
export function clock(time: string, now: number): string {
  const iso = new Date(time).toISOString();
  const sameDay = Math.abs(Date.parse(time) - now) < 86_400_000;
  return sameDay ? `${iso.slice(11, 16)}Z` : `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

/** `45s ago`, `12m ago`, `5h ago`, `3d ago`; `just now` for a time at or after now (a clock ahead). */
export function ago(time: string, now: number): string {
  const seconds = Math.floor((now - Date.parse(time)) / 1000);
  if (!(seconds > 0)) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** The report for scripts: one object per row, exact times, nothing left out. */
export function statusJson(report: StatusReport, store: string): string {
  const rows = report.rows.map((row) => ({
    kind: row.kind,
    name: row.name,
    service: row.service ?? null,
    environment: row.environment ?? null,
    state: row.state,
    health: row.health,
    since: row.since ?? null,
    last_verdict:
      row.lastRun === undefined
        ? null
        : {
            status: row.lastRun.status,
            status_reason: row.lastRun.statusReason,
            at: row.lastRun.at,
            evidence: row.lastRun.evidence ?? null,
          },
    deployed: row.deployed ?? null,
    known_good: row.knownGood ?? null,
    under_way: row.activity === undefined ? null : activityJson(row.activity),
    // The workflow's task token answers the approval: a capability, not a fact to print.
    approval: row.approval === undefined ? null : withoutTaskToken(row.approval),
    pause: row.pause ?? null,
    last_alert_at: row.lastAlertAt ?? null,
  }));
  const down = report.rows.filter((row) => row.state === 'down').length;
  const invalid = report.invalid.map((entry) => ({ key: entry.key, problem: entry.problem }));
  return `${JSON.stringify({ at: report.at, store, down, rows, invalid }, null, 2)}\n`;
}
