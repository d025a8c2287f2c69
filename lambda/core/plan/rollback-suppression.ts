// Why a rollback is held back, in words for the evidence and the alert, and the alert that follows: RollbackRequired
// (`rollback_suppressed` for the lock and the cooldown), except for a pause or a prober that could not check.

import { plannedAlert } from './planned-alert.ts';
import type { PlannedAlert, RollbackDecision, RollbackSuppression } from './run-plan.ts';

export type SuppressedRollbackDecision = Extract<RollbackDecision, { readonly action: 'suppressed' }>;

/** When the cooldown after the last rollback ends (epoch ms), or undefined when there is none to respect. */
export function cooldownUntil(
  lastRollbackAt: string | undefined,
  cooldownMinutes: number | undefined,
): number | undefined {
  if (lastRollbackAt === undefined || cooldownMinutes === undefined || cooldownMinutes <= 0) return undefined;
  return Date.parse(lastRollbackAt) + cooldownMinutes * 60_000;
}

export function cooldownDetail(
  lastRollbackAt: string | undefined,
  cooldownMinutes: number | undefined,
  until: number,
): string {
  return `the service was rolled back at ${lastRollbackAt}; no other automatic rollback for ${cooldownMinutes} minutes (until ${new Date(until).toISOString()})`;
}

export const SUPPRESSION_DETAIL: { readonly [R in RollbackSuppression]: string } = {
  locked: 'another run holds the rollback lock',
  cooldown: 'the service was rolled back within the cooldown',
  paused: 'the service is paused',
  no_known_good_version:
    'no known-good version to roll back to: none recorded, and no previousVersion in the event; roll back by hand',
  state_unavailable:
    'automatic rollback withheld: the state store failed, and without it a rollback cannot be kept to one at a time or sent to a known-good version; roll back by hand',
  idempotency_unavailable:
    'automatic rollback withheld: the idempotency store failed, and without it a rollback cannot be kept to one per deploy; roll back by hand',
  prober_unavailable: 'no rollback: the prober could not check, which says nothing about the service',
  approval_required: 'the service asks for approval before a rollback (rollback.mode approve); roll back by hand',
};

/** The alert for a rollback held back once the run reached it: RollbackRequired, except for a pause or the prober. */
export function suppressedRollbackAlerts(decision: SuppressedRollbackDecision): PlannedAlert[] {
  switch (decision.reason) {
    case 'paused':
    case 'prober_unavailable':
      return [];
    case 'locked':
    case 'cooldown':
      return [plannedAlert('RollbackRequired', { reason: 'rollback_suppressed', detail: decision.detail })];
    default:
      return [plannedAlert('RollbackRequired', { reason: decision.reason, detail: decision.detail })];
  }
}
