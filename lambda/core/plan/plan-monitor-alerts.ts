// A monitor's alerts, on transitions only: MonitorDown (VersionMismatch when only the running version is wrong) when
// it goes down, MonitorStillDown at each reminder, MonitorRecovered naming how long it was down, and ProberUnavailable
// once when the prober starts failing to check. Its first `up` is not a recovery: no alert.

import type { MonitorState } from '../state/monitor-state.ts';
import { plannedAlert } from './planned-alert.ts';
import type { PlannedAlert } from './run-plan.ts';
import type { MonitorStep } from './step-monitor.ts';

export function planMonitorAlerts(
  step: MonitorStep | undefined,
  versionOnly: boolean,
  prior: MonitorState | undefined,
): PlannedAlert[] {
  if (step === undefined) return [];
  const alerts: PlannedAlert[] = [];
  switch (step.event?.kind) {
    case 'went_down':
      alerts.push(
        versionOnly
          ? plannedAlert('VersionMismatch', { reason: 'version_drift' })
          : plannedAlert('MonitorDown', { detail: `${step.state.consecutiveFailures} failing runs in a row` }),
      );
      break;
    case 'still_down':
      alerts.push(plannedAlert('MonitorStillDown', { downForMs: step.event.downForMs }));
      break;
    case 'recovered':
      alerts.push(plannedAlert('MonitorRecovered', { downForMs: step.event.downForMs }));
      break;
    default:
      break;
  }
  if (step.state.proberUnavailableSince !== undefined && prior?.proberUnavailableSince === undefined) {
    alerts.push(plannedAlert('ProberUnavailable', { reason: 'prober_unavailable' }));
  }
  return alerts;
}
