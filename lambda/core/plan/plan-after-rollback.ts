// The second pure step, around the rollback itself: whether a planned rollback still goes ahead once the run holds
// the lock (another run may have rolled back since the state was read), and what follows its outcome: the alert, and
// the service's record (the rollback's time, and its target as deployed when it succeeded and, in the deploy flow,
// passed its verification).

import type { RollbackResult } from '../rollback/rollback-result.ts';
import type { ServiceState } from '../state/service-state.ts';
import { plannedAlert } from './planned-alert.ts';
import {
  cooldownDetail,
  cooldownUntil,
  SUPPRESSION_DETAIL,
  type SuppressedRollbackDecision,
} from './rollback-suppression.ts';
import type { PlannedAlert, RollbackDecision, RollbackSuppression } from './run-plan.ts';
import { recordRollback } from './service-records.ts';

export type RunRollbackDecision = Extract<RollbackDecision, { readonly action: 'run' }>;

/** What taking the lock found. */
export type LockOutcome =
  | { readonly kind: 'acquired'; readonly service: ServiceState | undefined }
  | { readonly kind: 'held_by'; readonly owner: string; readonly until: Date }
  | { readonly kind: 'contended' }
  | { readonly kind: 'state_unavailable' };

/** The decision once the lock was tried: still `run`, or suppressed for the lock, the cooldown or the store. */
export function confirmRollback(decision: RunRollbackDecision, lock: LockOutcome, at: Date): RollbackDecision {
  const suppressed = (reason: RollbackSuppression, detail: string): SuppressedRollbackDecision => ({
    action: 'suppressed',
    reason,
    detail,
  });
  switch (lock.kind) {
    case 'held_by':
      return suppressed('locked', `run ${lock.owner} holds the rollback lock until ${lock.until.toISOString()}`);
    case 'contended':
      return suppressed('locked', 'other runs kept changing the rollback lock; none was taken');
    case 'state_unavailable':
      return suppressed('state_unavailable', SUPPRESSION_DETAIL.state_unavailable);
    case 'acquired': {
      const until = cooldownUntil(lock.service?.lastRollbackAt, decision.cooldownMinutes);
      if (until !== undefined && until > at.getTime()) {
        return suppressed('cooldown', cooldownDetail(lock.service?.lastRollbackAt, decision.cooldownMinutes, until));
      }
      return decision;
    }
  }
}

export interface AfterRollbackInput {
  readonly decision: RunRollbackDecision;
  readonly result: RollbackResult;
  /**
   * How the verification after a successful command ended, in the deploy flow: only `recovered` makes the target the
   * deployed version again; `still_failing` alerts RollbackFailed. Undefined for the one-shot gate, which verifies
   * nothing and takes the command's success for the rollback's.
   */
  readonly verification?: 'recovered' | 'still_failing' | undefined;
  /** The service as read under the lock; undefined without a state store. */
  readonly service: ServiceState | undefined;
  readonly stateful: boolean;
  readonly at: Date;
}

export interface AfterRollbackPlan {
  readonly alerts: readonly PlannedAlert[];
  readonly next: { readonly service?: ServiceState };
}

export function planAfterRollback(input: AfterRollbackInput): AfterRollbackPlan {
  const commandSucceeded = input.result.ok === true;
  const succeeded = commandSucceeded && input.verification !== 'still_failing';
  const alerts = [
    succeeded
      ? plannedAlert('RollbackSucceeded')
      : commandSucceeded
        ? plannedAlert('RollbackFailed', {
            reason: 'still_failing',
            detail: 'the rollback command succeeded, but the service did not pass its verification',
          })
        : plannedAlert('RollbackFailed'),
  ];
  if (!input.stateful) return { alerts, next: {} };
  return { alerts, next: { service: recordRollback(input.service, input.decision.target, succeeded, input.at) } };
}
