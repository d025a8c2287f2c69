// The alerts of memory between runs: a monitor going down, staying down and recovering, the state store failing, and
// the prober unable to check. Each names its scope like the verdict alerts and carries the run's facts.

import type { EvidenceDocument } from '../evidence/evidence.ts';
import { makeAlert, scopeOf, type Alert, type AlertExtra } from './alerts.ts';

export function monitorDownAlert(document: EvidenceDocument, evidenceUri: string | null, extra: AlertExtra): Alert {
  const failing = `${document.summary.failing}/${document.summary.total} probes failing`;
  return makeAlert(
    'MonitorDown',
    document,
    evidenceUri,
    `DOWN ${scopeOf(document)}: ${failing}, ${rollbackWords(document)}`,
    extra,
  );
}

export function monitorStillDownAlert(
  document: EvidenceDocument,
  evidenceUri: string | null,
  extra: AlertExtra,
): Alert {
  const failing = `${document.summary.failing}/${document.summary.total} probes failing`;
  const headline = `STILL DOWN ${scopeOf(document)} for ${formatDuration(extra.downForMs ?? 0)}: ${failing}`;
  return makeAlert('MonitorStillDown', document, evidenceUri, headline, extra);
}

export function monitorRecoveredAlert(
  document: EvidenceDocument,
  evidenceUri: string | null,
  extra: AlertExtra,
): Alert {
  const headline = `RECOVERED ${scopeOf(document)} after ${formatDuration(extra.downForMs ?? 0)} down`;
  return makeAlert('MonitorRecovered', document, evidenceUri, headline, extra);
}

export function stateUnavailableAlert(
  document: EvidenceDocument,
  evidenceUri: string | null,
  extra: AlertExtra,
): Alert {
  const headline = `STATE UNAVAILABLE ${scopeOf(document)}: run ${document.status}, no automatic rollback`;
  return makeAlert('StateUnavailable', document, evidenceUri, headline, extra);
}

export function proberUnavailableAlert(
  document: EvidenceDocument,
  evidenceUri: string | null,
  extra: AlertExtra,
): Alert {
  const headline = `PROBER UNAVAILABLE ${scopeOf(document)}: could not check, nothing said of the service`;
  return makeAlert('ProberUnavailable', document, evidenceUri, headline, extra);
}

function rollbackWords(document: EvidenceDocument): string {
  switch (document.rollback.outcome) {
    case 'pending':
      return 'rollback sent';
    case 'withheld':
      return 'rollback withheld';
    default:
      return 'no rollback';
  }
}

/** `45s`, `12m`, `3h 05m`, `2d 4h`: how long, at a glance. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
