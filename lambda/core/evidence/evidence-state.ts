// The evidence of what a run remembered: the monitor's state after the run (state, both counts, since, the
// transition, whether the run counted), the service's deployed and known-good versions, the pause in force, and
// whether the run's changes were stored. Only a run with a state store carries it.

import type { PriorState, RunPlan, ServiceScope } from '../plan/run-plan.ts';
import type { MonitorHealth } from '../state/monitor-state.ts';
import type { ServiceState } from '../state/service-state.ts';
import type { EvidenceDocument } from './evidence.ts';

export interface EvidenceMonitorState {
  readonly name: string;
  readonly state: MonitorHealth;
  readonly consecutive_failures: number;
  readonly consecutive_successes: number;
  readonly since: string;
  /** The change this run made, or null. */
  readonly transition: { readonly from: MonitorHealth; readonly to: MonitorHealth } | null;
  /** False when the run said nothing about the service (the prober could not check, a pause): counts unchanged. */
  readonly counted: boolean;
}

export interface EvidenceServiceState {
  readonly service: string;
  readonly environment: string;
  /** The version last deployed through Rollgate, after this run. */
  readonly deployed: string | null;
  /** The newest known-good version, after this run. */
  readonly known_good: string | null;
  readonly last_rollback_at: string | null;
}

export interface EvidenceState {
  /** `available`: read; `unavailable`: could not be read (the run then decided nothing from memory). */
  readonly store: 'available' | 'unavailable';
  /** Whether the run's changes were stored (false: see faults, port `state`). */
  readonly written: boolean;
  readonly monitor?: EvidenceMonitorState;
  readonly service?: EvidenceServiceState;
  readonly pause: {
    readonly reason: string;
    readonly by?: string;
    readonly since: string;
    readonly until: string;
  } | null;
}

export interface MemoryOfRun {
  readonly prior: PriorState;
  readonly plan: RunPlan;
  readonly written: boolean;
  readonly monitor?: string | undefined;
  readonly scope?: ServiceScope | undefined;
}

/** The document with what the run remembered and its notes; unchanged for a run without a state store. */
export function withMemory(document: EvidenceDocument, memory: MemoryOfRun): EvidenceDocument {
  const notes = memory.plan.notes.length > 0 ? { notes: memory.plan.notes } : {};
  if (memory.prior.store === 'none') return { ...document, ...notes };
  const read = memory.prior.store === 'read' ? memory.prior : undefined;
  const report = memory.plan.monitor;
  const service = memory.plan.next.service ?? read?.service;
  const pause = memory.plan.pause;
  const state: EvidenceState = {
    store: read !== undefined ? 'available' : 'unavailable',
    written: memory.written,
    ...(report !== undefined && memory.monitor !== undefined
      ? {
          monitor: {
            name: memory.monitor,
            state: report.state.state,
            consecutive_failures: report.state.consecutiveFailures,
            consecutive_successes: report.state.consecutiveSuccesses,
            since: report.state.since,
            transition: report.transition ?? null,
            counted: report.counted,
          },
        }
      : {}),
    ...(memory.scope !== undefined && read !== undefined ? { service: serviceView(memory.scope, service) } : {}),
    pause:
      pause === undefined
        ? null
        : {
            reason: pause.reason,
            ...(pause.by !== undefined ? { by: pause.by } : {}),
            since: pause.since,
            until: pause.until,
          },
  };
  return { ...document, state, ...notes };
}

function serviceView(scope: ServiceScope, service: ServiceState | undefined): EvidenceServiceState {
  return {
    service: scope.service,
    environment: scope.environment,
    deployed: service?.deployed?.version ?? null,
    known_good: service?.knownGood[0]?.version ?? null,
    last_rollback_at: service?.lastRollbackAt ?? null,
  };
}
