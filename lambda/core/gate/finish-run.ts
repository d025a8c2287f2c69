// What follows a verdict: the run's records and alerts, in an order that keeps every alert pointing at evidence already
// written (verdict record, its alerts, the rollback, the rollback record, its alert) and one more record, the delivery
// record, when an alert could not be delivered. Every record lists the run's alerts (pending ones as null) and the
// faults met so far; a store, notifier or executor that fails is recorded, never allowed to lose the verdict.

import {
  evidenceWriteFailedAlert,
  pointedAt,
  rollbackAlert,
  rollbackRequiredAlert,
  verdictAlert,
  type Alert,
} from '../plan/alerts.ts';
import { errorMessageOf, errorNameOf } from '../errors.ts';
import {
  withDelivery,
  withRollback,
  type EvidenceAlert,
  type EvidenceDocument,
  type EvidenceFault,
  type FaultPort,
} from '../evidence/evidence.ts';
import type { Clock, EvidenceLocation, EvidenceStage, EvidenceStore, Notifier, RollbackExecutor } from './ports.ts';
import { tailOf, type Redactor } from '../secrets/redact.ts';
import { ROLLBACK_OUTPUT_TAIL_BYTES, rollbackSendFailed, type RollbackResult } from '../rollback/rollback-result.ts';
import type { Verdict } from '../verdict/verdict.ts';

/** An alert the run sent, and whether it arrived. */
export type AlertRecord = EvidenceAlert & { readonly delivered: boolean };

/** A problem with the infrastructure behind a port, recorded so the shell can log and surface it. */
export interface PortProblem {
  readonly port: FaultPort;
  readonly error_name: string;
  readonly message: string;
  readonly cause: unknown;
}

export interface RunLocations {
  readonly verdict?: EvidenceLocation;
  readonly rollback?: EvidenceLocation;
  readonly delivery?: EvidenceLocation;
}

export interface GateOutcome {
  readonly verdict: Verdict;
  /** The most complete evidence document of the run: its last record (rollback or delivery, when there was one). */
  readonly evidence: EvidenceDocument;
  readonly locations: RunLocations;
  /** The verdict record and, after a rollback, the rollback record were both written. */
  readonly evidenceWritten: boolean;
  readonly alerts: readonly AlertRecord[];
  readonly problems: readonly PortProblem[];
}

export interface FinishPorts {
  readonly evidenceStore: EvidenceStore;
  readonly notifier: Notifier;
  /** Absent when no rollback is configured, or when the gate withheld it. */
  readonly rollbackExecutor?: RollbackExecutor | undefined;
}

export interface FinishOptions {
  readonly clock: Clock;
  readonly t0: number;
  readonly redactor: Redactor;
  /** A gate that could not check (invalid_config) asks nobody to roll back: nothing says the deploy is bad. */
  readonly skipRollbackRequired?: boolean;
  /** Faults found before the verdict (an idempotency store, a secret), recorded in every record of the run. */
  readonly faults?: readonly PortProblem[];
}

/** Writes the run's records and sends its alerts. Never throws for a failing port. */
export async function finishRun(
  document: EvidenceDocument,
  verdict: Verdict,
  ports: FinishPorts,
  options: FinishOptions,
): Promise<GateOutcome> {
  const problems: PortProblem[] = [...(options.faults ?? [])];
  const sent: AlertRecord[] = [];
  const locations: { verdict?: EvidenceLocation; rollback?: EvidenceLocation; delivery?: EvidenceLocation } = {};
  const elapsed = () => ({ at: options.clock.now(), ms: options.clock.monotonicMs() - options.t0 });

  /** The document as a record: every alert sent so far, then the ones about to be sent on its account (pending). */
  const asRecord = (doc: EvidenceDocument, upcoming: readonly Alert[]): EvidenceDocument => ({
    ...doc,
    alerts: [...sent, ...upcoming.map(({ type, subject }) => ({ type, subject, delivered: null, error: null }))],
    faults: problems.map(faultOf),
  });
  const send = async (alert: Alert): Promise<void> => {
    try {
      await ports.notifier.notify(alert);
      sent.push({ type: alert.type, subject: alert.subject, delivered: true, error: null });
    } catch (error) {
      const problem = problemOf('alert', error, options.redactor);
      problems.push(problem);
      sent.push({ type: alert.type, subject: alert.subject, delivered: false, error: problem.message });
    }
  };
  const write = async (doc: EvidenceDocument, stage: EvidenceStage): Promise<EvidenceLocation | undefined> => {
    try {
      return await ports.evidenceStore.write(doc, stage);
    } catch (error) {
      problems.push(problemOf('evidence', error, options.redactor));
      // The delivery record is written because alerts are failing: one more alert would most likely fail too.
      if (stage !== 'delivery') await send(evidenceWriteFailedAlert(doc, options.redactor.text(errorMessageOf(error))));
      return undefined;
    }
  };

  const executor = ports.rollbackExecutor;
  const verdictAlerts: Alert[] = [];
  if (verdict.status === 'failed') {
    verdictAlerts.push(verdictAlert(document, null, executor !== undefined));
    const noAutomaticRollback = document.kind === 'deploy' || document.rollback.outcome === 'withheld';
    if (executor === undefined && noAutomaticRollback && !options.skipRollbackRequired) {
      verdictAlerts.push(rollbackRequiredAlert(document, null));
    }
  }
  let record = asRecord(document, verdictAlerts);
  locations.verdict = await write(record, 'verdict');
  for (const alert of verdictAlerts) await send(pointedAt(alert, locations.verdict?.uri ?? null));
  let evidenceWritten = locations.verdict !== undefined;

  if (verdict.status === 'failed' && executor !== undefined) {
    const rollback = await runRollback(executor, document, options.redactor, problems);
    const { at, ms } = elapsed();
    const rolledBack = withRollback(record, rollback, at, ms, locations.verdict?.uri);
    const alert = rollbackAlert(rolledBack, null);
    record = asRecord(rolledBack, [alert]);
    locations.rollback = await write(record, 'rollback');
    evidenceWritten = evidenceWritten && locations.rollback !== undefined;
    await send(pointedAt(alert, locations.rollback?.uri ?? locations.verdict?.uri ?? null));
  }

  if (sent.some((alert) => !alert.delivered)) {
    const { at, ms } = elapsed();
    record = withDelivery(asRecord(record, []), [...sent], at, ms, {
      verdict: locations.verdict?.uri,
      rollback: locations.rollback?.uri,
    });
    locations.delivery = await write(record, 'delivery');
  }
  return { verdict, evidence: record, locations, evidenceWritten, alerts: sent, problems };
}

/** Runs the rollback once. An executor that throws is recorded as `send_failed`, never propagated. */
async function runRollback(
  executor: RollbackExecutor,
  document: EvidenceDocument,
  redactor: Redactor,
  problems: PortProblem[],
): Promise<RollbackResult> {
  const started = performance.now();
  try {
    const result = await executor.run({
      status: document.status,
      status_reason: document.status_reason,
      failed_urls: document.targets.filter((target) => !target.ok).map((target) => target.url),
      expected_version: document.expected_version,
      ...(document.context.deploy ? { deploy: document.context.deploy } : {}),
    });
    return {
      ...result,
      executor: redactor.text(result.executor ?? executor.describe()),
      output_tail:
        result.output_tail === null ? null : redactor.text(tailOf(result.output_tail, ROLLBACK_OUTPUT_TAIL_BYTES)),
      ...(result.detail !== undefined ? { detail: redactor.text(result.detail) } : {}),
      // Per-host output (SSM) reaches evidence and alerts too, so it gets the same tail cap and redaction.
      ...(result.hosts !== undefined
        ? {
            hosts: result.hosts.map((host) => ({
              ...host,
              output_tail: redactor.text(tailOf(host.output_tail, ROLLBACK_OUTPUT_TAIL_BYTES)),
              ...(host.detail !== undefined ? { detail: redactor.text(host.detail) } : {}),
            })),
          }
        : {}),
    };
  } catch (error) {
    const problem = problemOf('rollback', error, redactor);
    problems.push(problem);
    return rollbackSendFailed(started, redactor.text(executor.describe()), `${problem.error_name}: ${problem.message}`);
  }
}

/**
 * A port's failure as recorded: the underlying error's name (a PortError's `errorName`, e.g. AWS's), else the error's
 * own (a PortError with no cause), and its redacted message.
 */
export function problemOf(port: FaultPort, error: unknown, redactor: Redactor): PortProblem {
  const underlying =
    typeof error === 'object' && error !== null && 'errorName' in error && typeof error.errorName === 'string'
      ? error.errorName
      : 'Error';
  const errorName = underlying === 'Error' ? errorNameOf(error) : underlying;
  return { port, error_name: errorName, message: redactor.text(errorMessageOf(error)), cause: error };
}

function faultOf({ port, error_name, message }: PortProblem): EvidenceFault {
  return { port, error_name, message };
}
