// A planned alert of one type, with that type's severity: the planner says which alerts go out, never how urgent.

import { ALERT_SEVERITY, type AlertType } from './alerts.ts';
import type { AlertApproval, PlannedAlert } from './run-plan.ts';

export function plannedAlert(
  type: AlertType,
  extra: {
    readonly reason?: string;
    readonly detail?: string;
    readonly downForMs?: number;
    readonly approval?: AlertApproval;
  } = {},
): PlannedAlert {
  return { type, severity: ALERT_SEVERITY[type], ...extra };
}
