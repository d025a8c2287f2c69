// What the planner is given and what it decides: the run, what earlier runs left (the prior state), and in return the
// alerts, the rollback (run, suppressed with a reason, or not needed), the state to write and notes for the evidence.

import type { MonitorState } from '../state/monitor-state.ts';
import type { Pause } from '../state/pause.ts';
import type { RollbackLock } from '../state/rollback-lock.ts';
import type { ServiceState, VersionRecord } from '../state/service-state.ts';
import type { Verdict } from '../verdict/verdict.ts';
import type { AlertSeverity, AlertType } from './alerts.ts';
import type { PlanPolicy } from './plan-policy.ts';

/** `gate` for the CLI, `deploy` for a deploy event, `check` for a monitor's run. */
export type RunKind = 'gate' | 'deploy' | 'check';

export interface RunIdentity {
  readonly kind: RunKind;
  /** The event id, request id or CLI run id: the rollback lock's owner. */
  readonly id: string;
  readonly at: Date;
}

/** A state item that was found but did not parse: reported with its key, never trusted. */
export interface IgnoredStateItem {
  readonly key: string;
  readonly problem: string;
}

export type PriorState =
  /** No state store: every run is judged on its own, as before runs had state. */
  | { readonly store: 'none' }
  /** The store could not be read: nothing that needs memory is decided, and nothing automatic is done. */
  | { readonly store: 'unavailable' }
  | {
      readonly store: 'read';
      readonly monitor?: MonitorState | undefined;
      readonly service?: ServiceState | undefined;
      readonly pause?: Pause | undefined;
      readonly lock?: RollbackLock | undefined;
      readonly ignored?: readonly IgnoredStateItem[];
    };

export type ReadPriorState = Extract<PriorState, { readonly store: 'read' }>;

/** The version a run put out: a deploy's, or the CLI gate's --expect-version. */
export interface DeployedVersion {
  readonly version: string;
  /** The deploy event's previousVersion: a hint, checked against the known-good record. */
  readonly previousVersion?: string | undefined;
  readonly digest?: string | undefined;
  readonly commit?: string | undefined;
}

export interface ServiceScope {
  readonly service: string;
  readonly environment: string;
}

export interface PlanRunInput {
  readonly verdict: Verdict;
  /** The only thing wrong anywhere is the running version: VersionMismatch rather than GateFailed or MonitorDown. */
  readonly versionOnly: boolean;
  readonly run: RunIdentity;
  readonly policy: PlanPolicy;
  readonly prior: PriorState;
  /** The service whose lock, cooldown, pause and versions apply. */
  readonly scope?: ServiceScope | undefined;
  readonly deploy?: DeployedVersion | undefined;
  /** The monitor a check runs for. */
  readonly monitor?: string | undefined;
  /** Where this run's verdict record goes, for the record of a known-good version. */
  readonly evidenceUri?: string | undefined;
  /** Ports whose fault makes an automatic rollback unsafe (the idempotency store): no automatic rollback then. */
  readonly safetyFaults?: readonly { readonly port: string; readonly error_name?: string }[];
  /**
   * The run can wait for a person (the deploy flow): in approve mode it plans `await_approval` rather than asking for
   * a rollback by hand. @default false (a one-shot gate, which cannot wait)
   */
  readonly approvalAvailable?: boolean | undefined;
}

/** Why a rollback the run would have sent was not. */
export type RollbackSuppression =
  | 'locked'
  | 'cooldown'
  | 'paused'
  | 'no_known_good_version'
  | 'state_unavailable'
  | 'idempotency_unavailable'
  | 'prober_unavailable'
  | 'approval_required';

export interface RollbackTargetVersion {
  readonly version: string;
  /** `known_good`: a version that passed a gate; `previous_version_unverified`: the event's previousVersion. */
  readonly source: 'known_good' | 'previous_version_unverified';
  /** The known-good record, with its digest, commit and evidence. */
  readonly record?: VersionRecord | undefined;
}

export interface RollbackLockRequestPlan extends ServiceScope {
  readonly owner: string;
  readonly holdForMs: number;
}

export type RollbackDecision =
  | {
      readonly action: 'run';
      /** Absent only for the stateless CLI gate, whose command chooses for itself, as before runs had state. */
      readonly target?: RollbackTargetVersion | undefined;
      /** Taken before the rollback, given back after; absent without a state store. */
      readonly lock?: RollbackLockRequestPlan | undefined;
      /** The cooldown is checked again under the lock (a monitor's rollback; a deploy's own is exempt). */
      readonly cooldownMinutes?: number | undefined;
    }
  /** Approve mode, where the run can wait: the same rollback as `run`, once a person approves it. */
  | {
      readonly action: 'await_approval';
      readonly target?: RollbackTargetVersion | undefined;
      readonly lock?: RollbackLockRequestPlan | undefined;
      readonly cooldownMinutes?: number | undefined;
    }
  | { readonly action: 'suppressed'; readonly reason: RollbackSuppression; readonly detail: string }
  | { readonly action: 'not_needed' | 'not_configured' | 'not_on_transition'; readonly detail?: string };

export interface PlannedAlert {
  readonly type: AlertType;
  readonly severity: AlertSeverity;
  /** One word a subscriber can match: `rollback_suppressed`, `no_known_good_version`, `state_unavailable`... */
  readonly reason?: string;
  /** A sentence for the message and the subject. */
  readonly detail?: string;
  /** MonitorRecovered and MonitorStillDown: how long the monitor has been down. */
  readonly downForMs?: number;
  /** RollbackAwaitingApproval: the commands that answer it and until when. */
  readonly approval?: AlertApproval;
}

/** What a RollbackAwaitingApproval alert tells the person who must answer it. */
export interface AlertApproval {
  readonly approve_command: string;
  readonly reject_command: string;
  readonly expires_at: string;
}

/** The monitor as this run left it, for the evidence. */
export interface MonitorReport {
  readonly state: MonitorState;
  /** False when the run said nothing about the service (the prober could not check, a pause): counts unchanged. */
  readonly counted: boolean;
  readonly transition?: { readonly from: MonitorState['state']; readonly to: MonitorState['state'] } | undefined;
}

export interface RunPlan {
  readonly alerts: readonly PlannedAlert[];
  readonly rollback: RollbackDecision;
  /** The items to write, only those that change; empty without a readable store. */
  readonly next: { readonly monitor?: MonitorState; readonly service?: ServiceState };
  readonly monitor?: MonitorReport | undefined;
  /** The pause in force during the run. */
  readonly pause?: Pause | undefined;
  /** Facts an operator needs that fit nowhere else: an ignored item, a previousVersion that disagrees. */
  readonly notes: readonly string[];
}
