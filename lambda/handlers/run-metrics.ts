// What a run is measured by: the metric points of a finished gate or check, and of each deploy workflow step, and the
// dimensions a run's own points go under. Pure, so the choice of what is counted, and under which names, is tested
// without Powertools; gate-telemetry.ts publishes the points.
//
// Cardinality: every point is counted once fleet-wide (service=rollgate, what the stack's alarms read) and once under
// the run's own dimension sets: [service, environment] for a deploy; [monitor], plus [service, environment] when the
// monitor names them, for a check. Dimension values come only from the registry the function was deployed with; a
// name it does not hold (an inline monitor of an old rule) is counted fleet-wide only, so no event can add a metric.

import { isRegisteredServiceScope } from '../core/config/metric-scopes.ts';
import type { Registry } from '../core/config/registry.ts';
import { METRIC, METRIC_DIMENSION, type MetricName } from '../core/config/stack-contract.ts';
import type { DeployProgress, FinishAnswer, StepAnswer } from '../core/deploy/deploy-progress.ts';
import type { EvidenceDocument } from '../core/evidence/evidence.ts';
import type { GateOutcome } from '../core/gate/gate.ts';
import type { RollbackResult } from '../core/rollback/rollback-result.ts';
import type { GateStatus } from '../core/verdict/verdict.ts';
import type { WindowState } from '../core/window/window-state.ts';

export type MetricPointUnit = 'Count' | 'Milliseconds' | 'Seconds' | 'None';

export interface MetricPoint {
  readonly name: MetricName;
  readonly unit: MetricPointUnit;
  readonly value: number;
}

/** The dimension values of a run's own points, and the sets they are published under. */
export interface MetricScope {
  readonly dimensions: Readonly<Partial<Record<keyof typeof METRIC_DIMENSION, string>>>;
  /** Each set a list of dimension names, e.g. [['monitor'], ['service', 'environment']]. */
  readonly sets: readonly (readonly string[])[];
}

/** Fleet-wide only: the alert topic's health is the stack's, not a service's. */
const FLEET_ONLY: ReadonlySet<MetricName> = new Set([METRIC.alertDeliveryFailed]);

const VERDICT_METRIC: Readonly<Record<GateStatus, MetricName>> = {
  passed: METRIC.gatePassed,
  failed: METRIC.gateFailed,
  skipped: METRIC.gateSkipped,
};

/** The points of a run's own dimension sets: all but the fleet-only ones. */
export function scopedPoints(points: readonly MetricPoint[]): MetricPoint[] {
  return points.filter((point) => !FLEET_ONLY.has(point.name));
}

/** What a run names, as its evidence context says. */
export interface RunNames {
  readonly kind: EvidenceDocument['kind'];
  readonly monitor?: string | undefined;
  readonly service?: string | undefined;
  readonly environment?: string | undefined;
}

/**
 * The dimension sets of a run, from the names the registry holds; undefined when it names nothing registered. The
 * names it dropped are returned too, so the caller can say so in the log.
 */
export function metricScopeOf(
  names: RunNames,
  registry: Registry,
): { readonly scope?: MetricScope; readonly unregistered: readonly string[] } {
  const dimensions: { monitor?: string; service?: string; environment?: string } = {};
  const sets: string[][] = [];
  const unregistered: string[] = [];
  if (names.kind === 'check' && names.monitor !== undefined) {
    if (registry.monitors.some((monitor) => monitor.name === names.monitor)) {
      dimensions.monitor = names.monitor;
      sets.push([METRIC_DIMENSION.monitor]);
    } else {
      unregistered.push(`monitor ${names.monitor}`);
    }
  }
  if (names.service !== undefined && names.environment !== undefined) {
    if (isRegisteredServiceScope(registry, names.service, names.environment)) {
      dimensions.service = names.service;
      dimensions.environment = names.environment;
      sets.push([METRIC_DIMENSION.service, METRIC_DIMENSION.environment]);
    } else {
      unregistered.push(`service ${names.service}/${names.environment}`);
    }
  }
  return sets.length > 0 ? { scope: { dimensions, sets }, unregistered } : { unregistered };
}

/** The points of a finished gate or check (the deploy gate's one-shot run, a scheduled check). */
export function gateRunPoints(outcome: GateOutcome): MetricPoint[] {
  const { verdict, evidence } = outcome;
  const points: MetricPoint[] = [count(VERDICT_METRIC[verdict.status])];
  for (const target of evidence.targets) {
    const deciding = target.attempts[target.attempts.length - 1];
    if (deciding !== undefined) points.push(latency(deciding.latency_ms));
  }
  points.push(...rollbackCommandPoints(evidence.rollback));
  const monitor = evidence.state?.monitor;
  if (monitor !== undefined) {
    // A gauge the per-service alarms read with Maximum: any monitor of the service down is the service down.
    if (monitor.state !== 'unknown') points.push(gauge(METRIC.monitorState, monitor.state === 'down' ? 1 : 0));
    if (monitor.transition?.to === 'down') points.push(count(METRIC.monitorDown));
    if (monitor.transition?.from === 'down' && monitor.transition.to === 'up')
      points.push(count(METRIC.monitorRecovered));
  }
  points.push(...undeliveredPoints(outcome.alerts));
  return points;
}

/**
 * The points of one deploy workflow step: each round's probe latency as it is probed, the verdict when `decide`
 * records it, a rollback when it is sent, and at `finish` what the command and its verification came to and how
 * long the service took to heal. Each is counted by the one step that sees it happen, so nothing is counted twice.
 */
export function workflowStepPoints(step: string, answer: StepAnswer | FinishAnswer): MetricPoint[] {
  const progress = answer.progress;
  switch (step) {
    case 'probe_round':
      return newestRoundLatencies(progress.window);
    case 'verify_round':
      return progress.rollback?.verification === undefined ? [] : newestRoundLatencies(progress.rollback.verification);
    case 'decide':
      return progress.verdict === undefined ? [] : [count(VERDICT_METRIC[progress.verdict.status])];
    case 'send_rollback':
      return rollbackWasSent(progress) ? [count(METRIC.rollbackSent)] : [];
    case 'finish':
      return finishPoints(progress);
    default:
      return [];
  }
}

/** Sent: started and followed later (a handle), or run to its end at once by an executor that cannot be followed. */
function rollbackWasSent(progress: DeployProgress): boolean {
  const rollback = progress.rollback;
  if (rollback?.handle !== undefined) return true;
  return rollback?.result?.attempted === true && rollback.result.outcome !== 'send_failed';
}

function finishPoints(progress: DeployProgress): MetricPoint[] {
  const rollback = progress.rollback;
  const points: MetricPoint[] = [];
  const result = rollback?.result;
  if (result?.attempted === true) {
    points.push(count(result.ok === true ? METRIC.rollbackSucceeded : METRIC.rollbackFailed));
  }
  if (rollback?.outcome === 'recovered') {
    points.push(count(METRIC.rollbackRecovered));
    const seconds = timeToHealSeconds(progress);
    if (seconds !== undefined) points.push({ name: METRIC.timeToHeal, unit: 'Seconds', value: seconds });
  }
  if (rollback?.outcome === 'still_failing') points.push(count(METRIC.rollbackStillFailing));
  points.push(...undeliveredPoints(progress.alerts));
  return points;
}

/**
 * Seconds from the failed verdict to the verification round that proved the rollback healed the service: the newest
 * round of a passed verification. Undefined unless both times are known.
 */
export function timeToHealSeconds(progress: DeployProgress): number | undefined {
  const decidedAt = progress.verdict?.decided_at;
  const verification = progress.rollback?.verification;
  const healedAt = verification?.history[verification.history.length - 1]?.at;
  if (decidedAt === undefined || healedAt === undefined || progress.rollback?.outcome !== 'recovered') return undefined;
  const seconds = (Date.parse(healedAt) - Date.parse(decidedAt)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds) : undefined;
}

/** The one-shot gate's own rollback: sent, then succeeded or failed (the deploy workflow counts these per step). */
function rollbackCommandPoints(rollback: RollbackResult): MetricPoint[] {
  if (!rollback.attempted) return [];
  return [
    ...(rollback.outcome !== 'send_failed' ? [count(METRIC.rollbackSent)] : []),
    count(rollback.ok === true ? METRIC.rollbackSucceeded : METRIC.rollbackFailed),
  ];
}

function newestRoundLatencies(window: WindowState): MetricPoint[] {
  const newest = window.history[window.history.length - 1];
  return newest === undefined ? [] : newest.targets.map((target) => latency(target.latency_ms));
}

function undeliveredPoints(alerts: readonly { readonly delivered: boolean | null }[]): MetricPoint[] {
  const undelivered = alerts.filter((alert) => alert.delivered === false).length;
  return undelivered > 0 ? [{ name: METRIC.alertDeliveryFailed, unit: 'Count', value: undelivered }] : [];
}

function count(name: MetricName): MetricPoint {
  return { name, unit: 'Count', value: 1 };
}

function gauge(name: MetricName, value: number): MetricPoint {
  return { name, unit: 'None', value };
}

function latency(ms: number): MetricPoint {
  return { name: METRIC.probeLatency, unit: 'Milliseconds', value: ms };
}
