// What alerts say. Pure: the planner decides which ones a run raises, the notifier adapters only deliver them.
// Subjects fit SNS's limit (under 100 printable ASCII characters) and say what happened; the message is JSON for
// machines, and the attributes let subscribers filter by alert type, severity, status, service and environment.

import type { EvidenceDocument } from '../evidence/evidence.ts';
import type { AlertApproval } from './run-plan.ts';
import type { GateStatus } from '../verdict/verdict.ts';
import { isVersionOnlyFailure } from '../verdict/version-only-failure.ts';

export type AlertType =
  | 'GateFailed'
  | 'VersionMismatch'
  | 'RollbackRequired'
  | 'RollbackAwaitingApproval'
  | 'RollbackSucceeded'
  | 'RollbackFailed'
  | 'EvidenceWriteFailed'
  | 'MonitorDown'
  | 'MonitorStillDown'
  | 'MonitorRecovered'
  | 'StateUnavailable'
  | 'ProberUnavailable';

/** How urgent an alert is, so subscribers can page on some and e-mail the rest. */
export type AlertSeverity = 'critical' | 'high' | 'warning' | 'info';

/** One severity per alert type (documented in the README, "Subscribing to alerts"). */
export const ALERT_SEVERITY: { readonly [T in AlertType]: AlertSeverity } = {
  // Someone has to act now: a service is down, or a rollback that should have happened did not.
  MonitorDown: 'critical',
  RollbackRequired: 'critical',
  RollbackFailed: 'critical',
  // A rollback waits for a person: approved or rejected within the approval timeout, or it is RollbackRequired.
  RollbackAwaitingApproval: 'critical',
  // Something is wrong and needs a look soon.
  GateFailed: 'high',
  VersionMismatch: 'high',
  MonitorStillDown: 'high',
  StateUnavailable: 'high',
  EvidenceWriteFailed: 'high',
  // Handled, or not the service's fault, but worth knowing.
  RollbackSucceeded: 'warning',
  ProberUnavailable: 'warning',
  MonitorRecovered: 'info',
};

export interface AlertAttributes {
  readonly alert_type: AlertType;
  readonly severity: AlertSeverity;
  readonly status: GateStatus;
  readonly service: string;
  readonly environment: string;
}

export interface AlertMessage {
  readonly alert_type: AlertType;
  readonly severity: AlertSeverity;
  /** Why, in one word a filter can match: `rollback_suppressed`, `no_known_good_version`, `state_unavailable`... */
  readonly reason?: string;
  /** What the alert adds to the verdict, in a sentence: why a rollback was held back, how long a monitor was down. */
  readonly detail?: string;
  /** MonitorRecovered and MonitorStillDown: how long the monitor has been down, in milliseconds. */
  readonly down_for_ms?: number;
  /** RollbackAwaitingApproval: the exact commands that approve or reject it, and until when it waits. */
  readonly approval?: AlertApproval;
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
    readonly reason?: string;
    readonly target_version?: string;
    readonly target_source?: string;
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
  const onlyVersion = isVersionOnlyFailure(document.status_reason, document.targets);
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
      : document.status_reason === 'prober_unavailable'
        ? 'the prober could not check'
        : document.status_reason === 'interrupted'
          ? 'interrupted before a verdict'
          : `${document.summary.failing}/${document.summary.total} probes failing`;
  return makeAlert('GateFailed', document, evidenceUri, `FAILED ${scopeOf(document)}: ${what}, ${rollbackWords}`);
}

/**
 * A failed gate with no rollback to run, or one whose automatic rollback was withheld (the rollback's detail says
 * why): someone has to roll back by hand.
 */
export function rollbackRequiredAlert(
  document: EvidenceDocument,
  evidenceUri: string | null,
  extra: AlertExtra = {},
): Alert {
  const reason = extra.reason ?? (document.rollback.outcome === 'withheld' ? 'withheld' : 'not_configured');
  const why = ROLLBACK_REQUIRED_WORDS[reason] ?? 'automatic rollback withheld';
  return makeAlert(
    'RollbackRequired',
    document,
    evidenceUri,
    `ROLLBACK REQUIRED ${scopeOf(document)}: gate failed, ${why}`,
    { reason, ...extra },
  );
}

const ROLLBACK_REQUIRED_WORDS: Readonly<Record<string, string>> = {
  not_configured: 'no automatic rollback',
  withheld: 'automatic rollback withheld',
  rollback_suppressed: 'rollback suppressed',
  no_known_good_version: 'no known-good version',
  approval_required: 'rollback needs approval',
  approval_timed_out: 'nobody approved the rollback in time',
};

/** A failed deploy's rollback waits for a person: the message carries the exact commands that answer it. */
export function rollbackAwaitingApprovalAlert(
  document: EvidenceDocument,
  evidenceUri: string | null,
  extra: AlertExtra = {},
): Alert {
  const target = document.rollback.target_version;
  return makeAlert(
    'RollbackAwaitingApproval',
    document,
    evidenceUri,
    `ROLLBACK AWAITS APPROVAL ${scopeOf(document)}${target !== undefined ? ` to ${displayVersion(target)}` : ''}`,
    { reason: 'approval_required', ...extra },
  );
}

export function rollbackAlert(document: EvidenceDocument, evidenceUri: string | null): Alert {
  const target = document.rollback.target_version ?? document.context.deploy?.previous_version;
  if (document.rollback.ok === true) {
    const verified = document.rollback.outcome === 'recovered' ? ', verified healthy' : '';
    return makeAlert(
      'RollbackSucceeded',
      document,
      evidenceUri,
      `ROLLBACK SUCCEEDED ${scopeOf(document)}${target ? ` to ${displayVersion(target)}` : ''}${verified}`,
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

/** What a planned alert adds to the document's facts. */
export interface AlertExtra {
  readonly reason?: string | undefined;
  readonly detail?: string | undefined;
  readonly downForMs?: number | undefined;
  readonly approval?: AlertApproval | undefined;
}

/** An alert of `type` about `document`: the subject `[Rollgate] <headline>`, the message and the attributes. */
export function makeAlert(
  type: AlertType,
  document: EvidenceDocument,
  evidenceUri: string | null,
  headline: string,
  extra: AlertExtra = {},
): Alert {
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
    attributes: { alert_type: type, severity: ALERT_SEVERITY[type], status: document.status, service, environment },
    message: {
      alert_type: type,
      severity: ALERT_SEVERITY[type],
      ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
      ...(extra.detail !== undefined ? { detail: extra.detail } : {}),
      ...(extra.downForMs !== undefined ? { down_for_ms: extra.downForMs } : {}),
      ...(extra.approval !== undefined ? { approval: extra.approval } : {}),
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
        ...(document.rollback.reason !== undefined ? { reason: document.rollback.reason } : {}),
        ...(document.rollback.target_version !== undefined ? { target_version: document.rollback.target_version } : {}),
        ...(document.rollback.target_source !== undefined ? { target_source: document.rollback.target_source } : {}),
      },
      evidence_uri: evidenceUri,
      started_at: document.started_at,
      run_id: document.context.run_id ?? null,
    },
  };
}

export function scopeOf(document: EvidenceDocument): string {
  const deploy = document.context.deploy;
  if (deploy) return `${deploy.service}/${deploy.environment} ${displayVersion(deploy.version)}`;
  if (document.context.monitor) return `check ${document.context.monitor}`;
  return document.expected_version ? `gate ${displayVersion(document.expected_version)}` : 'gate';
}

export function displayVersion(version: string): string {
  return /^\d/.test(version) ? `v${version}` : version;
}

/** SNS subjects: printable ASCII, no line breaks, under 100 characters. */
export function fitSubject(subject: string): string {
  const printable = subject.replace(/[^\x20-\x7e]/g, '?');
  return printable.length <= MAX_SUBJECT_LENGTH ? printable : `${printable.slice(0, MAX_SUBJECT_LENGTH - 3)}...`;
}
