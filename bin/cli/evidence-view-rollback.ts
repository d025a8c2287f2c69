// The rollback of a record as an operator reads it: what was decided (not needed, not configured, withheld and why,
// run), where it went (target version and where that came from), how it ended, per host with its output, and, for a
// verified rollback, the verification rounds and their outcome.

import type { EvidenceDocument } from '../../lambda/core/evidence/evidence.ts';
import type { ViewLine, ViewMark, ViewSection } from './evidence-view.ts';
import { roundsSection } from './evidence-view-targets.ts';
import { verificationOf, verifiedOutcomeOf } from './evidence-window-fields.ts';

const OUTCOME_MARKS: Readonly<Record<string, ViewMark>> = {
  succeeded: 'ok',
  recovered: 'ok',
  not_needed: 'none',
  pending: 'none',
  withheld: 'warn',
  not_configured: 'warn',
  awaiting_approval: 'warn',
  suppressed: 'warn',
};

export function rollbackSections(document: EvidenceDocument): ViewSection[] {
  const rollback = document.rollback;
  if (rollback === undefined || rollback === null) return [];
  const lines: ViewLine[] = [];
  const outcome = String(rollback.outcome);
  const verified = verifiedOutcomeOf(document);
  const target =
    rollback.target_version !== undefined
      ? ` to ${rollback.target_version} (${rollback.target_source === 'previous_version_unverified' ? "the deploy's previous version, unverified" : 'known-good'})`
      : '';
  if (!rollback.attempted) {
    const why = [rollback.reason, rollback.detail].filter(Boolean).join(': ');
    const words: Readonly<Record<string, string>> = {
      not_needed: 'not needed',
      not_configured: 'not configured: an operator must act',
      pending: 'pending: this record was written before the rollback ran; a later record of the run has its outcome',
      withheld: 'withheld',
    };
    if (outcome === 'not_needed' && why === '') return [];
    lines.push({
      text: `${words[outcome] ?? outcome}${target}${why !== '' ? ` (${why})` : ''}`,
      mark: OUTCOME_MARKS[outcome] ?? 'none',
    });
  } else {
    const exit = rollback.exit_code === null || rollback.exit_code === undefined ? '' : `, exit ${rollback.exit_code}`;
    const took = typeof rollback.duration_ms === 'number' ? ` in ${rollback.duration_ms} ms` : '';
    lines.push({
      text: `${outcome}${exit}${took}${target}${rollback.executor !== undefined ? `: ${rollback.executor}` : ''}`,
      mark: OUTCOME_MARKS[outcome] ?? 'fail',
      ...(rollback.output_tail ? { block: rollback.output_tail } : {}),
    });
    if (rollback.detail !== undefined && outcome !== 'succeeded') lines.push({ text: `why: ${rollback.detail}` });
    if (rollback.command_id !== undefined) lines.push({ text: `command ${rollback.command_id}` });
    for (const host of rollback.hosts ?? []) {
      const hostExit = host.exit_code === null ? '' : `, exit ${host.exit_code}`;
      lines.push({
        text: `host ${host.instance_id}: ${host.status}${hostExit}${host.detail !== undefined ? ` (${host.detail})` : ''}`,
        mark: host.status === 'Success' ? 'ok' : 'fail',
        ...(host.output_tail ? { block: host.output_tail } : {}),
      });
    }
  }
  if (verified !== undefined) {
    lines.push({ text: `verified outcome: ${verified}`, mark: OUTCOME_MARKS[verified] ?? 'fail' });
  }
  lines.push({ text: 'the verdict stays failed whatever the rollback did: the incident stays visible' });
  const sections: ViewSection[] = [
    { title: 'Rollback', lines: document.status === 'failed' ? lines : lines.slice(0, -1) },
  ];
  const verification = verificationOf(document);
  if (verification !== undefined) {
    const expecting = verification.expected_version !== undefined ? ` expecting ${verification.expected_version}` : '';
    const status = verification.status !== undefined ? ` (${verification.status})` : '';
    sections.push(roundsSection(`Verification${expecting}${status}`, verification));
  }
  return sections;
}
