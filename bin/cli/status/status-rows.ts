// What `rollgate status` shows, from the state store's items alone: a row per service (in an environment) and per
// monitor, with its state, since when, its last verdict, versions, what is under way and the last alert, worst first.
// A service is down when its last verdict failed and nothing healed it since (no rollback made another version the
// deployed one); unknown before any verdict, or when the prober could not check; a pause shows as paused.

import type { Approval } from '../../../lambda/core/state/approval.ts';
import type { MonitorState } from '../../../lambda/core/state/monitor-state.ts';
import type { Pause } from '../../../lambda/core/state/pause.ts';
import type { RollbackLock } from '../../../lambda/core/state/rollback-lock.ts';
import type { ServiceState } from '../../../lambda/core/state/service-state.ts';
import type { RunRecord } from '../../../lambda/core/state/state-field-schemas.ts';
import type { StateKind } from '../../../lambda/core/state/state-keys.ts';
import type { InvalidStateEntry, StateReadResult } from '../../../lambda/core/state/state-read-result.ts';

export type StatusHealth = 'up' | 'down' | 'unknown';
export type StatusState = StatusHealth | 'paused';

/** The kinds of item status lists, one listing each. */
export const STATUS_KINDS = ['service', 'monitor', 'pause', 'lock', 'approval'] as const satisfies readonly StateKind[];

export type StatusListings = { readonly [K in (typeof STATUS_KINDS)[number]]: StateReadResult };

export interface StatusRow {
  readonly kind: 'service' | 'monitor';
  /** `checkout/prod` for a service, the monitor's name for a monitor. */
  readonly name: string;
  readonly service?: string;
  readonly environment?: string;
  readonly state: StatusState;
  /** What it is under a pause. */
  readonly health: StatusHealth;
  /** When the state began, as far as the store tells. */
  readonly since?: string;
  readonly lastRun?: RunRecord;
  readonly deployed?: string;
  readonly knownGood?: string;
  /** A deploy or rollback under way, or a rollback waiting for approval. */
  readonly activity?: StatusActivity;
  readonly pause?: Pause;
  readonly approval?: Approval;
  readonly lastAlertAt?: string;
}

/** What is under way for a service. */
export type StatusActivity =
  | { readonly kind: 'approval'; readonly targetVersion?: string; readonly until: string }
  | { readonly kind: 'rollback_lock'; readonly owner: string; readonly until: string }
  | {
      readonly kind: 'deploy' | 'rollback';
      readonly version: string;
      readonly since: string;
      readonly execution?: string;
    };

export interface StatusReport {
  readonly at: string;
  readonly rows: readonly StatusRow[];
  /** Items that exist but do not read (named on stderr, otherwise ignored). */
  readonly invalid: readonly InvalidStateEntry[];
}

const WORST_FIRST: { readonly [S in StatusState]: number } = { down: 0, unknown: 1, paused: 2, up: 3 };

export function buildStatusReport(listings: StatusListings, now: Date): StatusReport {
  const byScope = <T>(result: StateReadResult): Map<string, T> =>
    new Map(result.live.map((entry) => [entry.key.slice(entry.key.indexOf('#') + 1), entry.item.value as T]));
  const services = byScope<ServiceState>(listings.service);
  const pauses = byScope<Pause>(listings.pause);
  const locks = byScope<RollbackLock>(listings.lock);
  const approvals = byScope<Approval>(listings.approval);
  const scopes = new Set([...services.keys(), ...pauses.keys(), ...locks.keys(), ...approvals.keys()]);

  const rows: StatusRow[] = [];
  for (const scope of scopes) {
    const [service, environment] = scope.split('#') as [string, string];
    const record = services.get(scope);
    const pause = pauses.get(scope);
    const approval = pendingApproval(approvals.get(scope), now);
    const { health, since } = serviceHealth(record);
    rows.push({
      kind: 'service',
      name: `${service}/${environment}`,
      service,
      environment,
      state: pause !== undefined ? 'paused' : health,
      health,
      ...optional('since', pause !== undefined ? pause.since : since),
      ...optional('lastRun', record?.lastRun),
      ...optional('deployed', record?.deployed?.version),
      ...optional('knownGood', record?.knownGood[0]?.version),
      ...optional('activity', activityOf(record, locks.get(scope), approval)),
      ...optional('pause', pause),
      ...optional('approval', approval),
    });
  }
  for (const entry of listings.monitor.live) {
    const monitor = entry.item.value as MonitorState;
    const scope =
      monitor.service !== undefined && monitor.environment !== undefined
        ? `${monitor.service}#${monitor.environment}`
        : undefined;
    const pause = scope === undefined ? undefined : pauses.get(scope);
    const record = scope === undefined ? undefined : services.get(scope);
    rows.push({
      kind: 'monitor',
      name: entry.key.slice(entry.key.indexOf('#') + 1),
      ...optional('service', monitor.service),
      ...optional('environment', monitor.environment),
      state: pause !== undefined ? 'paused' : monitor.state,
      health: monitor.state,
      since: monitor.since,
      ...optional('lastRun', monitor.lastRun),
      ...optional('deployed', record?.deployed?.version),
      ...optional('knownGood', record?.knownGood[0]?.version),
      ...optional('pause', pause),
      ...optional('lastAlertAt', newest(monitor.lastAlertAt, monitor.lastReminderAt)),
    });
  }
  rows.sort(
    (a, b) =>
      WORST_FIRST[a.state] - WORST_FIRST[b.state] ||
      // Within a state, the longest in it first: the oldest outage leads.
      timeOf(a.since) - timeOf(b.since) ||
      a.kind.localeCompare(b.kind) ||
      a.name.localeCompare(b.name),
  );
  const invalid = STATUS_KINDS.flatMap((kind) => listings[kind].invalid);
  return { at: now.toISOString(), rows, invalid };
}

/** Down after a failed verdict that nothing healed: a rollback that succeeded makes its target deployed after it. */
function serviceHealth(record: ServiceState | undefined): { health: StatusHealth; since?: string } {
  const last = record?.lastRun;
  if (last === undefined) return { health: 'unknown', ...optional('since', record?.deployed?.at) };
  if (last.status === 'skipped' || last.statusReason === 'prober_unavailable')
    return { health: 'unknown', since: last.at };
  const healedAt = record?.deployed === undefined ? Number.NaN : Date.parse(record.deployed.at);
  if (last.status === 'failed' && !(healedAt > Date.parse(last.at))) return { health: 'down', since: last.at };
  return { health: 'up', since: record?.deployed?.at ?? last.at };
}

/** What is under way: a rollback waiting for approval, a rollback holding the lock, or a deploy. */
function activityOf(
  record: ServiceState | undefined,
  lock: RollbackLock | undefined,
  approval: Approval | undefined,
): StatusActivity | undefined {
  if (approval !== undefined) {
    return { kind: 'approval', ...optional('targetVersion', approval.targetVersion), until: approval.expiresAt };
  }
  if (lock !== undefined) return { kind: 'rollback_lock', owner: lock.owner, until: lock.expiresAt };
  const ongoing = record?.ongoing;
  if (ongoing === undefined) return undefined;
  const kind: 'deploy' | 'rollback' = ongoing.kind === 'rollback' ? 'rollback' : 'deploy';
  return {
    kind,
    version: ongoing.version,
    since: ongoing.startedAt,
    ...optional('execution', ongoing.execution),
  };
}

/** An approval still waiting for its answer. */
function pendingApproval(approval: Approval | undefined, now: Date): Approval | undefined {
  if (approval === undefined || approval.decision !== undefined) return undefined;
  return Date.parse(approval.expiresAt) > now.getTime() ? approval : undefined;
}

function newest(...times: readonly (string | undefined)[]): string | undefined {
  const known = times.filter((time): time is string => time !== undefined);
  return known.sort((a, b) => Date.parse(b) - Date.parse(a))[0];
}

function timeOf(time: string | undefined): number {
  return time === undefined ? Number.POSITIVE_INFINITY : Date.parse(time);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
