// The deploy flow's progress between steps, as plain JSON: who is deployed, under which policy, the watch window so
// far, the verdict, the rollback (approval, command, verification) and what was recorded and alerted. On AWS it is the
// Step Functions state passed from one task to the next (kept under 200 KB); the CLI keeps it in memory. It carries no
// target, header or secret: each step gets the service's probe configuration from its ports.

import type { EvidenceFault } from '../evidence/evidence.ts';
import type { EvidenceContext } from '../evidence/evidence.ts';
import type { EvidenceState } from '../evidence/evidence-state.ts';
import type { AlertRecord } from '../gate/finish-run.ts';
import type { RollbackHandle } from '../gate/ports.ts';
import type { PlannedAlert, RollbackDecision } from '../plan/run-plan.ts';
import type { TargetResult } from '../probe/probe.ts';
import type { RollbackResult } from '../rollback/rollback-result.ts';
import type { GateStatus, ProberFault, StatusReason } from '../verdict/verdict.ts';
import type { WindowRule } from '../window/decide-window.ts';
import type { WindowPolicy } from '../window/window-policy.ts';
import type { WindowState } from '../window/window-state.ts';

export const DEPLOY_PROGRESS_VERSION = 1;

/** Where the deploy is: which step's work is next. */
export type DeployPhase =
  | 'watching'
  | 'deciding'
  | 'awaiting_approval'
  | 'rolling_back'
  | 'verifying'
  | 'finishing'
  | 'done';

/** What a step says comes next; the drivers route on it (`done` only after finish). */
export type DeployNext =
  | 'probe_round'
  | 'decide'
  | 'await_approval'
  | 'send_rollback'
  | 'poll_rollback'
  | 'verify_round'
  | 'finish'
  | 'done';

/**
 * What became of the rollback, in the deploy's last record: `recovered` (sent, and the verification passed),
 * `still_failing` (sent, but the service did not heal), `failed` and `timed_out` (the command itself, or the approval
 * for `timed_out` with reason `approval_timed_out`), `suppressed` (held back: lock, cooldown, pause, no known-good
 * version...), `awaiting_approval` (in the verdict record while a person decides), `rejected`, `not_needed` (the
 * deploy passed, or nothing says the service is at fault) and `not_configured`. `pending` only in a verdict record.
 */
export type RollbackOutcome =
  | 'recovered'
  | 'still_failing'
  | 'failed'
  | 'timed_out'
  | 'suppressed'
  | 'awaiting_approval'
  | 'rejected'
  | 'not_needed'
  | 'not_configured'
  | 'pending';

/** The rule that decided the verdict: a window rule, or why no window could run. */
export type DeployDecidedBy =
  | WindowRule
  | 'no_targets'
  | 'config_problem'
  | 'secret_store_unavailable'
  /** Stopped by a signal before the window decided (the CLI only). */
  | 'interrupted';

export interface DeployPolicy {
  readonly window: WindowPolicy;
  /** The verification after a rollback: the window's rules over its verifySeconds. */
  readonly verify: WindowPolicy;
  readonly rollback: {
    /** `off` too when no rollback executor is configured. */
    readonly mode: 'auto' | 'approve' | 'off';
    /** How long a person has to approve, in approve mode. */
    readonly approval_timeout_minutes: number;
  };
  /** How long the rollback lock holds if the run never gives it back: past the rollback wait and the verification. */
  readonly lock_hold_ms: number;
  /** Between a monitor's automatic rollbacks; a deploy's own rollback is exempt. */
  readonly cooldown_minutes: number;
}

export interface DeployVerdict {
  readonly status: GateStatus;
  readonly status_reason: StatusReason;
  readonly prober_fault?: ProberFault;
  readonly total: number;
  readonly healthy: number;
  readonly failing: number;
  readonly decided_by: DeployDecidedBy;
  /** The sentence the evidence and the summary read. */
  readonly message: string;
  readonly decided_at: string;
  /** The only thing wrong was the running version (VersionMismatch rather than GateFailed). */
  readonly version_only: boolean;
}

export interface DeployApproval {
  readonly requested_at: string;
  readonly expires_at: string;
  /** The exact commands that answer it, as the alert gives them. */
  readonly approve_command: string;
  readonly reject_command: string;
  readonly decision?: 'approved' | 'rejected' | 'timed_out';
  readonly decided_at?: string;
  readonly by?: string;
}

export interface DeployRollback {
  /** The planner's decision, confirmed (or suppressed) under the lock once sent. */
  readonly decision: RollbackDecision;
  readonly approval?: DeployApproval;
  /** Set once `start` returned a handle: what poll_rollback follows. */
  readonly handle?: RollbackHandle;
  /** The rollback lock is held by this run (taken by send_rollback, given back by finish). */
  readonly lock_held?: boolean;
  /** The command's own result, redacted, once done. */
  readonly result?: RollbackResult;
  /** The verification window after a successful command, expecting the target version. */
  readonly verification?: WindowState;
  readonly verification_decided_by?: WindowRule;
  readonly outcome: RollbackOutcome;
  /** The outcome the last record written states: finish writes the rollback record when `outcome` moved on. */
  readonly recorded_outcome?: RollbackOutcome;
  /** Why it was held back, or how the approval ended (`approval_timed_out`). */
  readonly reason?: string;
  readonly detail?: string;
  /** The alerts that follow the rollback's outcome, sent by finish after the rollback record. */
  readonly follow_ups?: readonly PlannedAlert[];
}

export interface DeployProgress {
  readonly progress_version: typeof DEPLOY_PROGRESS_VERSION;
  /** The event id, execution or CLI run id: the rollback lock's owner and the approval's run. */
  readonly run_id: string;
  /** The evidence's context: kind (`deploy` or the CLI's `gate`), the deploy, the CI run. */
  readonly context: EvidenceContext;
  /** Whose state applies (versions, lock, pause, approval); absent for an ad-hoc gate of plain URLs. */
  readonly scope?: { readonly service: string; readonly environment: string };
  /** The version the window expects; null for any. */
  readonly expected_version: string | null;
  readonly policy: DeployPolicy;
  readonly phase: DeployPhase;
  readonly started_at: string;
  readonly window: WindowState;
  readonly verdict?: DeployVerdict;
  /** The deciding round's full results (bounded: failing first), for the records' `targets`. */
  readonly verdict_targets?: readonly TargetResult[];
  /** Targets of the deciding round left out of verdict_targets to keep the progress small. */
  readonly verdict_targets_not_listed?: number;
  readonly rollback?: DeployRollback;
  /** What the run remembered, for the records (only with a state store). */
  readonly state?: EvidenceState;
  readonly alerts: readonly AlertRecord[];
  readonly faults: readonly EvidenceFault[];
  /** Where each record went. */
  readonly evidence: { readonly verdict?: string; readonly rollback?: string; readonly delivery?: string };
  /** Every record of the run was written. */
  readonly evidence_written: boolean;
  readonly notes: readonly string[];
}

/** A step's answer: the progress, what comes next, and how long to wait first (seconds, or until a time). */
export interface StepAnswer {
  readonly progress: DeployProgress;
  readonly next: DeployNext;
  /** Whole seconds to wait before `next`; absent or 0 for at once. */
  readonly wait_seconds?: number;
  /** Wait until this time (ISO) before `next`; never set beside wait_seconds. */
  readonly wait_until?: string;
  /** With next `await_approval`: how long the approval may take (the workflow's task-token timeout). */
  readonly approval_timeout_seconds?: number;
}

/** What the deploy came to, for the driver: the verdict, what the rollback did and where the records went. */
export interface DeployResponse {
  readonly run_id: string;
  readonly status: GateStatus;
  readonly status_reason: StatusReason;
  readonly decided_by: DeployDecidedBy;
  readonly rollback_outcome: RollbackOutcome;
  readonly evidence: DeployProgress['evidence'];
  readonly evidence_written: boolean;
  readonly alerts: readonly AlertRecord[];
  readonly faults: readonly EvidenceFault[];
}

export interface FinishAnswer {
  readonly progress: DeployProgress;
  readonly response: DeployResponse;
}
