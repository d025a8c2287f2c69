// The CI contract's `health-gate.env`: NAME=value lines that `source` in bash reads safely whatever a value holds,
// because every value is single-quoted with embedded quotes escaped.

import type { EvidenceDocument } from './evidence.ts';

/** Quotes a value for POSIX shells: 'it'\''s' — nothing inside single quotes is expanded. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function renderEnvFile(document: EvidenceDocument, evidencePath: string): string {
  const failedUrls = document.targets.filter((target) => !target.ok).map((target) => target.url);
  const entries: Array<[string, string]> = [
    ['HEALTH_GATE_STATUS', document.status],
    ['HEALTH_GATE_STATUS_REASON', document.status_reason],
    ['HEALTH_GATE_MESSAGE', document.message.replace(/[\r\n]+/g, ' ')],
    ['HEALTH_GATE_ROLLBACK_ATTEMPTED', String(document.rollback.attempted)],
    ['HEALTH_GATE_ROLLBACK_OUTCOME', document.rollback.outcome],
    ['HEALTH_GATE_ROLLBACK_EXIT_CODE', document.rollback.exit_code === null ? '' : String(document.rollback.exit_code)],
    ['HEALTH_GATE_TARGETS_TOTAL', String(document.summary.total)],
    ['HEALTH_GATE_TARGETS_FAILING', String(document.summary.failing)],
    ['HEALTH_GATE_FAILED_URLS', failedUrls.join(',')],
    ['HEALTH_GATE_EXPECTED_VERSION', document.expected_version ?? ''],
    ['HEALTH_GATE_STARTED_AT', document.started_at],
    ['HEALTH_GATE_FINISHED_AT', document.finished_at],
    ['HEALTH_GATE_EVIDENCE', evidencePath],
  ];
  return entries.map(([name, value]) => `${name}=${shellQuote(value)}\n`).join('');
}
