// A planned alert (type, severity, reason) made into the alert a subscriber receives, from the run's evidence document.

import type { EvidenceDocument } from '../evidence/evidence.ts';
import {
  evidenceWriteFailedAlert,
  rollbackAlert,
  rollbackAwaitingApprovalAlert,
  rollbackRequiredAlert,
  verdictAlert,
  type Alert,
  type AlertExtra,
} from './alerts.ts';
import {
  monitorDownAlert,
  monitorRecoveredAlert,
  monitorStillDownAlert,
  proberUnavailableAlert,
  stateUnavailableAlert,
} from './lifecycle-alerts.ts';
import type { PlannedAlert } from './run-plan.ts';

export function renderPlannedAlert(
  planned: PlannedAlert,
  document: EvidenceDocument,
  evidenceUri: string | null,
): Alert {
  const extra: AlertExtra = {
    ...(planned.reason !== undefined ? { reason: planned.reason } : {}),
    ...(planned.detail !== undefined ? { detail: planned.detail } : {}),
    ...(planned.downForMs !== undefined ? { downForMs: planned.downForMs } : {}),
    ...(planned.approval !== undefined ? { approval: planned.approval } : {}),
  };
  switch (planned.type) {
    case 'GateFailed':
    case 'VersionMismatch':
      return withExtra(verdictAlert(document, evidenceUri, document.rollback.outcome === 'pending'), extra);
    case 'RollbackRequired':
      return rollbackRequiredAlert(document, evidenceUri, extra);
    case 'RollbackAwaitingApproval':
      return rollbackAwaitingApprovalAlert(document, evidenceUri, extra);
    case 'RollbackSucceeded':
    case 'RollbackFailed':
      return withExtra(rollbackAlert(document, evidenceUri), extra);
    case 'MonitorDown':
      return monitorDownAlert(document, evidenceUri, extra);
    case 'MonitorStillDown':
      return monitorStillDownAlert(document, evidenceUri, extra);
    case 'MonitorRecovered':
      return monitorRecoveredAlert(document, evidenceUri, extra);
    case 'StateUnavailable':
      return stateUnavailableAlert(document, evidenceUri, extra);
    case 'ProberUnavailable':
      return proberUnavailableAlert(document, evidenceUri, extra);
    case 'EvidenceWriteFailed':
      // Raised by the gate when a write fails, with the problem as its detail.
      return evidenceWriteFailedAlert(document, planned.detail ?? 'unknown problem');
  }
}

function withExtra(alert: Alert, extra: AlertExtra): Alert {
  return {
    ...alert,
    message: {
      ...alert.message,
      ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
      ...(extra.detail !== undefined ? { detail: extra.detail } : {}),
    },
  };
}
