// What follows a verdict, as the planner decided it: the run's records and alerts, in an order that keeps every alert
// pointing at evidence already written (verdict record, its alerts, the rollback under its lock, the rollback record,
// its alerts) and one more record, the delivery record, when an alert could not be delivered. Every record lists the
// run's alerts (pending ones as null) and the faults met so far; a store, notifier or executor that fails is
// recorded, never allowed to lose the verdict.

import { evidenceWriteFailedAlert, pointedAt, type Alert } from '../plan/alerts.ts';
import type { RunRollbackDecision } from '../plan/plan-after-rollback.ts';
import { plannedAlert } from '../plan/planned-alert.ts';
import { renderPlannedAlert } from '../plan/render-planned-alert.ts';
import { suppressedRollbackAlerts } from '../plan/rollback-suppression.ts';
import type { PlannedAlert, RollbackDecision } from '../plan/run-plan.ts';
import { errorMessageOf } from '../errors.ts';
import { withDelivery, withRollback, type EvidenceAlert, type EvidenceDocument } from '../evidence/evidence.ts';
import type { Clock, EvidenceLocation, EvidenceStage, EvidenceStore, Notifier, RollbackExecutor } from './ports.ts';
import { faultOf, problemOf, type PortProblem } from './port-problem.ts';
import { plannedRollbackResult, targetFields } from './planned-rollback-result.ts';
import { STATELESS_ROLLBACK_GUARD, type RollbackGuard } from './run-memory.ts';
import type { Redactor } from '../secrets/redact.ts';
import { redactRollbackResult } from '../rollback/rollback-result-redaction.ts';
import { rollbackSendFailed, type RollbackResult } from '../rollback/rollback-result.ts';
import type { Verdict } from '../verdict/verdict.ts';

export { problemOf, type PortProblem } from './port-problem.ts';

/** An alert the run sent, and whether it arrived. */
export type AlertRecord = EvidenceAlert & { readonly delivered: boolean };

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
  /** Absent when no rollback is configured. */
  readonly rollbackExecutor?: RollbackExecutor | undefined;
}

/** What the planner decided for the run: the alerts of its verdict record and the rollback. */
export interface FinishPlan {
  readonly alerts: readonly PlannedAlert[];
  readonly rollback: RollbackDecision;
}

export interface FinishOptions {
  readonly clock: Clock;
  readonly t0: number;
  readonly redactor: Redactor;
  /** Faults found before the verdict (an idempotency store, a secret, the state store), in every record of the run. */
  readonly faults?: readonly PortProblem[];
  /** Takes the rollback lock, checks the cooldown again, records the rollback. @default no lock, nothing recorded */
  readonly guard?: RollbackGuard;
}

/** Writes the run's records, sends its alerts and runs its rollback, as planned. Never throws for a failing port. */
export async function finishRun(
  document: EvidenceDocument,
  verdict: Verdict,
  plan: FinishPlan,
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

  const verdictAlerts = plan.alerts.map((planned) => renderPlannedAlert(planned, document, null));
  let record = asRecord(document, verdictAlerts);
  locations.verdict = await write(record, 'verdict');
  for (const alert of verdictAlerts) await send(pointedAt(alert, locations.verdict?.uri ?? null));
  let evidenceWritten = locations.verdict !== undefined;

  const executor = ports.rollbackExecutor;
  if (plan.rollback.action === 'run' && executor !== undefined) {
    const stateAlerted = plan.alerts.some((alert) => alert.type === 'StateUnavailable');
    const { rollback, followUps } = await guardedRollback(plan.rollback, executor, document, options, problems);
    if (!stateAlerted && problems.some((problem) => problem.port === 'state')) {
      followUps.push(plannedAlert('StateUnavailable', { reason: 'state_unavailable' }));
    }
    const { at, ms } = elapsed();
    const rolledBack = withRollback(record, rollback, at, ms, locations.verdict?.uri);
    const alerts = followUps.map((planned) => renderPlannedAlert(planned, rolledBack, null));
    record = asRecord(rolledBack, alerts);
    locations.rollback = await write(record, 'rollback');
    evidenceWritten = evidenceWritten && locations.rollback !== undefined;
    for (const alert of alerts) await send(pointedAt(alert, locations.rollback?.uri ?? locations.verdict?.uri ?? null));
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

/**
 * The rollback under its guard: the lock taken and the cooldown checked again first, then the rollback once (or the
 * reason it was held back after all), then its record and the lock given back. Returns the rollback record's
 * rollback and the alerts that follow it.
 */
async function guardedRollback(
  decision: RunRollbackDecision,
  executor: RollbackExecutor,
  document: EvidenceDocument,
  options: FinishOptions,
  problems: PortProblem[],
): Promise<{ rollback: RollbackResult; followUps: PlannedAlert[] }> {
  const guard = options.guard ?? STATELESS_ROLLBACK_GUARD;
  const confirmation = await guard.confirm(decision);
  problems.push(...confirmation.problems);
  const confirmed = confirmation.value;
  if (confirmed.action !== 'run') {
    const completion = await guard.complete(decision, undefined);
    problems.push(...completion.problems);
    const followUps = confirmed.action === 'suppressed' ? suppressedRollbackAlerts(confirmed) : [];
    return { rollback: plannedRollbackResult(confirmed), followUps };
  }
  const ran = await runRollback(executor, document, confirmed, options.redactor, problems);
  const rollback = { ...ran, ...targetFields(confirmed) };
  const completion = await guard.complete(decision, rollback);
  problems.push(...completion.problems);
  return { rollback, followUps: [...completion.value] };
}

/** Runs the rollback once. An executor that throws is recorded as `send_failed`, never propagated. */
async function runRollback(
  executor: RollbackExecutor,
  document: EvidenceDocument,
  decision: RunRollbackDecision,
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
      ...(decision.target !== undefined
        ? { target_version: decision.target.version, target_source: decision.target.source }
        : {}),
    });
    return redactRollbackResult(result, executor.describe(), redactor);
  } catch (error) {
    const problem = problemOf('rollback', error, redactor);
    problems.push(problem);
    return rollbackSendFailed(started, redactor.text(executor.describe()), `${problem.error_name}: ${problem.message}`);
  }
}
