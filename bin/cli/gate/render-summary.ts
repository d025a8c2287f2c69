// The human summary of a gate run, or of evidence read back later: one line per target (OK/FAIL, status, latency,
// attempts, why), the window and the verification (with --window), the rollback, what the run remembered (with
// --state-dir), notes, and where the evidence went. Reads
// only the evidence document, so what a person sees is what was recorded.

import type { EvidenceDocument } from '../../../lambda/core/evidence/evidence.ts';
import type { EvidenceWindow } from '../../../lambda/core/evidence/evidence-window.ts';
import type { GateOutcome } from '../../../lambda/core/gate/gate.ts';

const OUTPUT_LINES_SHOWN = 6;

export function renderSummary(outcome: GateOutcome): string {
  const written = [outcome.locations.verdict, outcome.locations.rollback, outcome.locations.delivery].filter(
    (location) => location !== undefined,
  );
  const files = [...new Set(written.flatMap((location) => [location.uri, ...(location.extras ?? [])]))];
  const problems = outcome.problems.map(
    (problem) => `Problem (${problem.port}): ${problem.error_name}: ${problem.message}`,
  );
  return renderEvidenceLines(outcome.evidence, files, problems);
}

/** The same summary for evidence read back from `uri` (`rollgate evidence show`); a rollback record names its verdict record. */
export function renderStoredEvidence(document: EvidenceDocument, uri: string): string {
  const trailer = document.links?.verdict !== undefined ? [`Verdict record: ${document.links.verdict}`] : [];
  return renderEvidenceLines(document, [uri], trailer);
}

function renderEvidenceLines(document: EvidenceDocument, files: readonly string[], trailer: readonly string[]): string {
  const lines: string[] = [];
  lines.push(`Rollgate gate ${document.status.toUpperCase()} (${document.status_reason}): ${document.message}`);
  if (document.expected_version !== null) lines.push(`  expected version: ${document.expected_version}`);
  if (document.window !== undefined) lines.push(`  window: ${windowWords(document.window)}`);
  for (const target of document.targets) {
    const last = target.attempts[target.attempts.length - 1];
    const seen = last?.http_status !== undefined ? String(last.http_status) : (last?.error ?? '-');
    const tries = `${target.attempts.length} ${target.attempts.length === 1 ? 'try' : 'tries'}`;
    const version = target.version !== undefined ? `  version ${target.version}` : '';
    lines.push(
      `  ${(target.ok ? 'OK' : 'FAIL').padEnd(4)}  ${seen.padEnd(12)} ${`${last?.latency_ms ?? 0} ms`.padStart(8)}  ${tries.padEnd(7)}  ${target.name ? `${target.name} ` : ''}${target.url}${version}`,
    );
    if (!target.ok && target.reason !== undefined) lines.push(`        why: ${target.reason}`);
  }
  lines.push(...renderRollback(document));
  lines.push(...renderState(document));
  for (const note of document.notes ?? []) lines.push(`Note: ${note}`);
  if (files.length > 0) lines.push(`Evidence: ${files.join('\n          ')}`);
  lines.push(...trailer);
  return `${lines.join('\n')}\n`;
}

function renderRollback(document: EvidenceDocument): string[] {
  const rollback = document.rollback;
  if (!rollback.attempted) {
    if (rollback.outcome === 'withheld')
      return [`Rollback: withheld (${rollback.reason ?? 'unknown'}): ${rollback.detail ?? ''}`];
    // The deploy flow's words for a rollback never sent: held back, waiting for a person, refused, or not answered.
    if (['suppressed', 'awaiting_approval', 'rejected', 'timed_out'].includes(rollback.outcome)) {
      const why = rollback.reason !== undefined ? ` (${rollback.reason})` : '';
      const approve =
        rollback.approval?.decision === null ? [`  approve with: ${rollback.approval.approve_command}`] : [];
      return [
        `Rollback: ${rollback.outcome}${why}${rollback.detail !== undefined ? `: ${rollback.detail}` : ''}`,
        ...approve,
      ];
    }
    return rollback.outcome === 'not_configured' ? ['Rollback: not configured (set RUNTIME_ROLLBACK_COMMAND)'] : [];
  }
  const exit = rollback.exit_code === null ? '' : `, exit ${rollback.exit_code}`;
  const target =
    rollback.target_version === undefined
      ? ''
      : ` to ${rollback.target_version} (${rollback.target_source ?? 'known_good'})`;
  const lines = [
    `Rollback: ${rollback.outcome}${exit} in ${rollback.duration_ms ?? 0} ms${target}: ${rollback.executor ?? ''}`,
  ];
  if (rollback.detail !== undefined && rollback.outcome !== 'succeeded' && rollback.outcome !== 'recovered') {
    lines.push(`  why: ${rollback.detail}`);
  }
  if (rollback.verification !== undefined) lines.push(`  verification: ${windowWords(rollback.verification)}`);
  const output = (rollback.output_tail ?? '').trimEnd();
  if (output !== '') {
    const outputLines = output.split('\n');
    const shown = outputLines.slice(-OUTPUT_LINES_SHOWN);
    if (outputLines.length > shown.length)
      lines.push(`  | ... (${outputLines.length - shown.length} earlier lines in the evidence)`);
    for (const line of shown) lines.push(`  | ${line}`);
  }
  lines.push('  (the gate stays failed whatever the rollback did: the incident stays visible)');
  return lines;
}

/** What the run remembered, when it had a state directory: the service's versions, a monitor's state, the pause. */
function renderState(document: EvidenceDocument): string[] {
  const state = document.state;
  if (state === undefined) return [];
  if (state.store === 'unavailable')
    return ['State: could not be read (see the problem below); nothing was remembered'];
  const lines: string[] = [];
  const service = state.service;
  if (service !== undefined) {
    const lastRollback = service.last_rollback_at === null ? '' : `, last rollback ${service.last_rollback_at}`;
    lines.push(
      `State: ${service.service}/${service.environment} deployed ${service.deployed ?? '(none)'}, known-good ${service.known_good ?? '(none)'}${lastRollback}${state.written ? '' : ' (not stored)'}`,
    );
  }
  const monitor = state.monitor;
  if (monitor !== undefined) {
    lines.push(
      `Monitor ${monitor.name}: ${monitor.state} since ${monitor.since} (${monitor.consecutive_failures} failing, ${monitor.consecutive_successes} healthy in a row)`,
    );
  }
  if (state.pause !== null) lines.push(`Paused until ${state.pause.until}: ${state.pause.reason}`);
  return lines;
}

/** `7 round(s), 4 healthy, 3 failing, expecting 1.4.1 (decided by failure_threshold)` */
function windowWords(window: EvidenceWindow): string {
  const expecting = window.expected_version !== null ? `, expecting ${window.expected_version}` : '';
  const decided = window.decided_by !== null ? ` (decided by ${window.decided_by})` : ' (undecided)';
  return `${window.rounds_done} round(s), ${window.healthy_rounds} healthy, ${window.failing_rounds} failing${expecting}${decided}`;
}
