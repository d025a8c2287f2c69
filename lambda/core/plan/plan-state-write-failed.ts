// When the run's state could not be written (the store failed, or kept changing under the run): the verdict and its
// alerts stand, StateUnavailable is added once, and a planned automatic rollback is held back, since neither the
// lock nor the cooldown nor the monitor's transition could be recorded to keep it to one.

import { plannedAlert } from './planned-alert.ts';
import { SUPPRESSION_DETAIL, suppressedRollbackAlerts } from './rollback-suppression.ts';
import type { RollbackDecision, RunPlan } from './run-plan.ts';

export function planStateWriteFailed(plan: RunPlan): RunPlan {
  const alerts = [...plan.alerts];
  if (!alerts.some((alert) => alert.type === 'StateUnavailable')) {
    alerts.push(plannedAlert('StateUnavailable', { reason: 'state_unavailable' }));
  }
  if (plan.rollback.action !== 'run') return { ...plan, alerts };
  const rollback: RollbackDecision = {
    action: 'suppressed',
    reason: 'state_unavailable',
    detail: SUPPRESSION_DETAIL.state_unavailable,
  };
  return { ...plan, alerts: [...alerts, ...suppressedRollbackAlerts(rollback)], rollback };
}
