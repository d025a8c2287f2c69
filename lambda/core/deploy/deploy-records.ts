// Writing a deploy's records and sending the alerts that point at them, in the gate's order: the record first (listing
// the alerts about to go as pending), then its alerts, so every alert points at evidence already written. A store or
// notifier that fails is a fault in the progress, and a record that could not be written is alerted
// (EvidenceWriteFailed, carrying the verdict itself); nothing here throws for a failing port.

import type { EvidenceDocument, EvidenceFault } from '../evidence/evidence.ts';
import type { AlertRecord } from '../gate/finish-run.ts';
import { faultOf, problemOf } from '../gate/port-problem.ts';
import type { EvidenceStage } from '../gate/ports.ts';
import { evidenceWriteFailedAlert, pointedAt, type Alert } from '../plan/alerts.ts';
import { renderPlannedAlert } from '../plan/render-planned-alert.ts';
import type { PlannedAlert } from '../plan/run-plan.ts';
import { errorMessageOf } from '../errors.ts';
import type { Redactor } from '../secrets/redact.ts';
import type { DeployPorts } from './deploy-ports.ts';
import type { DeployProgress } from './deploy-progress.ts';

/** Writes `document` as the run's `stage` record, then sends `planned` pointing at it. */
export async function recordAndAlert(
  progress: DeployProgress,
  document: EvidenceDocument,
  stage: EvidenceStage,
  planned: readonly PlannedAlert[],
  ports: DeployPorts,
  redactor: Redactor,
): Promise<DeployProgress> {
  const sent: AlertRecord[] = [...progress.alerts];
  const faults: EvidenceFault[] = [...progress.faults];
  const send = async (alert: Alert): Promise<void> => {
    try {
      await ports.notifier.notify(alert);
      sent.push({ type: alert.type, subject: alert.subject, delivered: true, error: null });
    } catch (error) {
      const fault = faultOf(problemOf('alert', error, redactor));
      faults.push(fault);
      sent.push({ type: alert.type, subject: alert.subject, delivered: false, error: fault.message });
    }
  };

  const alerts = planned.map((alert) => renderPlannedAlert(alert, document, null));
  const record: EvidenceDocument = {
    ...document,
    alerts: [...sent, ...alerts.map(({ type, subject }) => ({ type, subject, delivered: null, error: null }))],
    faults,
  };
  let uri: string | undefined;
  try {
    uri = (await ports.evidenceStore.write(record, stage)).uri;
  } catch (error) {
    faults.push(faultOf(problemOf('evidence', error, redactor)));
    // The delivery record is written because alerts are failing: one more alert would most likely fail too.
    if (stage !== 'delivery') await send(evidenceWriteFailedAlert(record, redactor.text(errorMessageOf(error))));
  }
  for (const alert of alerts) await send(pointedAt(alert, uri ?? null));
  return {
    ...progress,
    alerts: sent,
    faults,
    evidence: { ...progress.evidence, ...(uri !== undefined ? { [stage]: uri } : {}) },
    evidence_written: progress.evidence_written && (stage === 'delivery' || uri !== undefined),
  };
}
