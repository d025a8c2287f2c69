// Which alerts a run raises and what they say. Pure: the notifier adapters only deliver them. Subjects fit SNS's
// limit (under 100 printable ASCII characters) and say what happened; the message is JSON for machines, and the
// attributes let subscribers filter by alert type, status, service and environment.

import type { EvidenceDocument } from '../evidence/evidence.ts';
import type { GateStatus } from '../verdict/verdict.ts';

export type AlertType =
  | 'GateFailed'
  | 'VersionMismatch'
  | 'RollbackRequired'
  | 'RollbackSucceeded'
  | 'RollbackFailed'
  | 'EvidenceWriteFailed';

export interface AlertAttributes {
  readonly alert_type: AlertType;
  readonly status: GateStatus;
  readonly service: string;
  readonly environment: string;
}

export interface AlertMessage {
  readonly alert_type: AlertType;
  readonly status: GateStatus;
  readonly status_reason: string;
  readonly summary: string;
  readonly kind: EvidenceDocument['kind'];
  readonly service: string | null;
  readonly environment: string | null;
  readonly monitor: string | null;
  readonly version: string | null;
  readonly previous_version: string | null;
  readonly failing_targets: ReadonlyArray<{ readonly url: string; readonly name?: string; readonly reason: string }>;
  readonly rollback: {
    readonly attempted: boolean;
    readonly outcome: string;
    readonly ok: boolean | null;
    readonly command_id?: string;
    readonly detail?: string;
  };
  readonly evidence_uri: string | null;
  readonly evidence_error?: string;
  readonly started_at: string;
  readonly run_id: string | null;
}

export interface Alert {
  readonly type: AlertType;
  readonly subject: string;
  readonly message: AlertMessage;
  readonly attributes: AlertAttributes;
}

export const MAX_SUBJECT_LENGTH = 99;

/**
 * The alert for a failed verdict: VersionMismatch when the only thing wrong anywhere is the running version (the
 * deploy did not land), GateFailed otherwise. `rollbackPlanned` says whether a rollback follows.
 */
export function verdictAlert(document: EvidenceDocument, evidenceUri: string | null, rollbackPlanned: boolean): Alert {
  const failing = document.targets.filter((target) => !target.ok);
  const onlyVersion =
    document.status_reason === 'probe_failures' &&
    failing.length > 0 &&
    failing.every((target) => target.expectations.every((result) => result.ok || result.name === 'version'));
  const rollbackWords =
    document.rollback.outcome === 'withheld'
      ? 'rollback withheld'
      : rollbackPlanned
        ? 'rollback sent'
        : 'no rollback configured';
  if (onlyVersion) {
    const running = [...new Set(failing.map((target) => target.version ?? '(none)'))].join('/');
    return makeAlert(
      'VersionMismatch',
      document,
      evidenceUri,
      `VERSION MISMATCH ${scopeOf(document)}: running ${running}, ${rollbackWords}`,
    );
  }
  const what =
    document.status_reason === 'invalid_config'
      ? 'configuration cannot be used'
      : `${document.summary.failing}/${document.summary.total} probes failing`;
  return makeAlert('GateFailed', document, evidenceUri, `FAILED ${scopeOf(document)}: ${what}, ${rollbackWords}`);
}

/**
 * A failed gate with no rollback to run, or one whose automatic rollback was withheld (the rollback's detail says
 * why): someone has to roll back by hand.
 */
export function rollbackRequiredAlert(document: EvidenceDocument, evidenceUri: string | null): Alert {
  const why = document.rollback.outcome === 'withheld' ? 'automatic rollback withheld' : 'no automatic rollback';
  return makeAlert(
    'RollbackRequired',
    document,
    evidenceUri,
    `ROLLBACK REQUIRED ${scopeOf(document)}: gate failed, ${why}`,
  );
}

export function rollbackAlert(document: EvidenceDocument, evidenceUri: string | null): Alert {
  const target = document.context.deploy?.previous_version;
  if (document.rollback.ok === true) {
    return makeAlert(
      'RollbackSucceeded',
      document,
      evidenceUri,
      `ROLLBACK SUCCEEDED ${scopeOf(document)}${target ? ` to ${displayVersion(target)}` : ''}`,
    );
  }
  return makeAlert(
    'RollbackFailed',
    document,
    evidenceUri,
    `ROLLBACK FAILED ${scopeOf(document)}: ${document.rollback.outcome}`,
  );
}

/** Evidence could not be written: the alert carries the verdict itself, since nothing else will. */
export function evidenceWriteFailedAlert(document: EvidenceDocument, problem: string): Alert {
  const alert = makeAlert(
    'EvidenceWriteFailed',
    document,
    null,
    `EVIDENCE NOT WRITTEN ${scopeOf(document)}: gate ${document.status}`,
  );
  return { ...alert, message: { ...alert.message, evidence_error: problem } };
}

/** The same alert pointing at `evidenceUri`: alerts are drafted before the record they point at is written. */
export function pointedAt(alert: Alert, evidenceUri: string | null): Alert {
  return { ...alert, message: { ...alert.message, evidence_uri: evidenceUri } };
}

function makeAlert(type: AlertType, document: EvidenceDocument, evidenceUri: string | null, headline: string): Alert {
  const deploy = document.context.deploy;
  const service = deploy?.service ?? document.context.service ?? document.context.monitor ?? 'unknown';
  const environment = deploy?.environment ?? document.context.environment ?? 'unknown';
  const failing = document.targets
    .filter((target) => !target.ok)
    .map((target) => ({
      url: target.url,
      ...(target.name !== undefined ? { name: target.name } : {}),
      reason: target.reason ?? 'unhealthy',
    }));
  return {
    type,
    subject: fitSubject(`[Rollgate] ${headline}`),
    attributes: { alert_type: type, status: document.status, service, environment },
    message: {
      alert_type: type,
      status: document.status,
      status_reason: document.status_reason,
      summary: document.message,
      kind: document.kind,
      service: deploy?.service ?? document.context.service ?? null,
      environment: deploy?.environment ?? document.context.environment ?? null,
      monitor: document.context.monitor ?? null,
      version: deploy?.version ?? document.expected_version,
      previous_version: deploy?.previous_version ?? null,
      failing_targets: failing,
      rollback: {
        attempted: document.rollback.attempted,
        outcome: document.rollback.outcome,
        ok: document.rollback.ok,
        ...(document.rollback.command_id !== undefined ? { command_id: document.rollback.command_id } : {}),
        ...(document.rollback.detail !== undefined ? { detail: document.rollback.detail } : {}),
      },
      evidence_uri: evidenceUri,
      started_at: document.started_at,
      run_id: document.context.run_id ?? null,
    },
  };
}

function scopeOf(document: EvidenceDocument): string {
  const deploy = document.context.deploy;
  if (deploy) return `${deploy.service}/${deploy.environment} ${displayVersion(deploy.version)}`;
  if (document.context.monitor) return `check ${document.context.monitor}`;
  return document.expected_version ? `gate ${displayVersion(document.expected_version)}` : 'gate';
}

function displayVersion(version: string): string {
  return /^\d/.test(version) ? `v${version}` : version;
}

/** SNS subjects: printable ASCII, no line breaks, under 100 characters. */
export function fitSubject(subject: string): string {
  const printable = subject.replace(/[^\x20-\x7e]/g, '?');
  return printable.length <= MAX_SUBJECT_LENGTH ? printable : `${printable.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}
