// What a rollback did, as reported by whichever executor ran it (a local shell, SSM Run Command). A failed or
// timed-out rollback is an outcome, not an exception.

import type { EvidenceWindow } from '../evidence/evidence-window.ts';

export type RollbackOutcomeKind =
  /** The gate did not fail: nothing to roll back. */
  | 'not_needed'
  /** The gate failed but no rollback is configured: an operator must act. */
  | 'not_configured'
  /**
   * The gate failed and a rollback is configured, but it was held back, for the `reason` given: a fault in what keeps
   * an automatic rollback safe (the idempotency or state store), another run's lock, the cooldown, a pause, no
   * known-good version to go to, a prober that could not check, or an approval the service asks for.
   */
  | 'withheld'
  /** Recorded in the verdict evidence while the rollback runs; the rollback record replaces it. */
  | 'pending'
  | 'succeeded'
  /** The command ran and reported failure (non-zero exit, a failed instance). */
  | 'failed'
  /** The command itself ran out of time. */
  | 'timed_out'
  /** The rollback could not be started or sent at all. */
  | 'send_failed'
  /**
   * It was sent, but waiting for its outcome ran out (the configured wait, or the invocation's own time) before it
   * finished: the hosts may still be running it; `command_id` lets an operator follow it.
   */
  | 'wait_timed_out'
  // The deploy flow's words for its last record (core/deploy): the command succeeded and the verification passed, or
  // not; held back; waiting for, or refused by, a person. `command_outcome` keeps what the command itself did.
  | 'recovered'
  | 'still_failing'
  | 'suppressed'
  | 'awaiting_approval'
  | 'rejected';

export interface RollbackHostResult {
  readonly instance_id: string;
  /** Run Command's status for the host, or `NotManaged` for a host the command was never sent to. */
  readonly status: string;
  readonly exit_code: number | null;
  readonly output_tail: string;
  /** Why the host was not sent the command, or why its outcome could not be read. */
  readonly detail?: string;
}

export interface RollbackResult {
  readonly attempted: boolean;
  readonly ok: boolean | null;
  readonly outcome: RollbackOutcomeKind;
  readonly exit_code: number | null;
  readonly duration_ms: number | null;
  /** The last 4 KiB of output, redacted. */
  readonly output_tail: string | null;
  /** What ran, in words an operator recognises (`/bin/sh -c …`, `SSM document RollgateRollback`). Redacted. */
  readonly executor?: string;
  /** Why it did not succeed, in one line. */
  readonly detail?: string;
  readonly command_id?: string;
  readonly hosts?: readonly RollbackHostResult[];
  /**
   * Why it was held back (`withheld`: locked, cooldown, paused, no_known_good_version, state_unavailable,
   * idempotency_unavailable, prober_unavailable, approval_required) or not needed (`not_on_transition`: a monitor rolls
   * back only when it goes down).
   */
  readonly reason?: string;
  /** The version it rolls back to, and where that came from (`known_good` or `previous_version_unverified`). */
  readonly target_version?: string;
  readonly target_source?: 'known_good' | 'previous_version_unverified';
  /** The deploy flow: what the command itself came to (`succeeded`, `failed`, ...), beside the flow's `outcome`. */
  readonly command_outcome?: RollbackOutcomeKind;
  /** The deploy flow: the verification window after the command succeeded, expecting `target_version`. */
  readonly verification?: EvidenceWindow;
  /** The deploy flow in approve mode: when the approval was asked for, until when, how it was answered. */
  readonly approval?: RollbackApprovalRecord;
}

export interface RollbackApprovalRecord {
  readonly requested_at: string;
  readonly expires_at: string;
  /** The exact command that approves it, as the alert gave it. */
  readonly approve_command: string;
  readonly decision: 'approved' | 'rejected' | 'timed_out' | null;
  readonly decided_at?: string;
  readonly by?: string;
}

export const ROLLBACK_OUTPUT_TAIL_BYTES = 4096;

export function rollbackNotAttempted(
  outcome: 'not_needed' | 'not_configured' | 'pending' | 'withheld',
  detail?: string,
  extra: Pick<RollbackResult, 'reason' | 'target_version' | 'target_source'> = {},
): RollbackResult {
  return {
    attempted: false,
    ok: null,
    outcome,
    exit_code: null,
    duration_ms: null,
    output_tail: null,
    ...(detail !== undefined ? { detail } : {}),
    ...extra,
  };
}

/**
 * A rollback that could not be started or sent at all; `startedMs` is a performance.now() reading. `hosts` names the
 * instances that were asked for and why none of them could be sent the command.
 */
export function rollbackSendFailed(
  startedMs: number,
  executor: string,
  detail: string,
  hosts?: readonly RollbackHostResult[],
): RollbackResult {
  return {
    attempted: true,
    ok: false,
    outcome: 'send_failed',
    exit_code: null,
    duration_ms: Math.round(performance.now() - startedMs),
    output_tail: null,
    executor,
    detail,
    ...(hosts !== undefined ? { hosts } : {}),
  };
}

/** A rollback that was sent (`commandId`) but whose outcome cannot be read: failed, saying why in `detail`. */
export function rollbackOutcomeUnread(commandId: string, detail: string): RollbackResult {
  return {
    attempted: true,
    ok: false,
    outcome: 'failed',
    exit_code: null,
    duration_ms: null,
    output_tail: null,
    command_id: commandId,
    detail,
  };
}
