// The rollback as the verdict record states it, from the planner's decision: pending (with its target), awaiting
// approval, withheld (with the reason), not needed (a monitor not on its transition says so) or not configured.

import type { RollbackDecision } from '../plan/run-plan.ts';
import { rollbackNotAttempted, type RollbackResult } from '../rollback/rollback-result.ts';

export function plannedRollbackResult(decision: RollbackDecision): RollbackResult {
  switch (decision.action) {
    case 'run':
      return rollbackNotAttempted('pending', undefined, targetFields(decision));
    case 'await_approval':
      return { ...rollbackNotAttempted('pending', undefined, targetFields(decision)), outcome: 'awaiting_approval' };
    case 'suppressed':
      return rollbackNotAttempted('withheld', decision.detail, { reason: decision.reason });
    case 'not_on_transition':
      return rollbackNotAttempted('not_needed', decision.detail, { reason: 'not_on_transition' });
    case 'not_needed':
      return rollbackNotAttempted('not_needed', decision.detail);
    case 'not_configured':
      return rollbackNotAttempted('not_configured', decision.detail);
  }
}

/** The target a rollback goes to, as the rollback record names it. */
export function targetFields(
  decision: Extract<RollbackDecision, { readonly action: 'run' | 'await_approval' }>,
): Pick<RollbackResult, 'target_version' | 'target_source'> {
  const target = decision.target;
  return target === undefined ? {} : { target_version: target.version, target_source: target.source };
}
