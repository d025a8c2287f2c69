// The rollback of a record as an operator reads it: what was decided (not needed, not configured, withheld and why,
// waiting for approval, run), where it went (target version and where that came from), how it ended (for the deploy
// flow: recovered or still failing, beside what the command itself did), per host with its output, the approval it
// waited for, and the verification rounds after it.

import type { EvidenceDocument } from '../../../lambda/core/evidence/evidence.ts';
import type { ViewLine, ViewMark, ViewSection } from './evidence-view.ts';
import { roundsSection } from './evidence-view-targets.ts';
import { approvalOf, commandOutcomeOf, verificationOf } from './evidence-window-fields.ts';

const OUTCOME_MARKS: Readonly<Record<string, ViewMark>> = {
  succeeded: 'ok',
  recovered: 'ok',
  not_needed: 'none',
  pending: 'none',
  withheld: 'warn',
  suppressed: 'warn',
  not_configured: 'warn',
  awaiting_approval: 'warn',
  rejected: 'warn',
};

const NOT_RUN_WORDS: Readonly<Record<string, string>> = {
  not_needed: 'not needed',
  not_configured: 'not configured: an operator must act',
  pending: 'pending: this record was written before the rollback ran; a later record of the run has its outcome',
  withheld: 'withheld',
  suppressed: 'suppressed',
  awaiting_approval: 'awaiting approval',
  rejected: 'rejected by a person',
};

export function rollbackSections(document: EvidenceDocument): ViewSection[] {
  const rollback = document.rollback;
  if (rollback === undefined || rollback === null) return [];
  const outcome = String(rollback.outcome);
  const approval = approvalOf(document);
  if (!rollback.attempted && outcome === 'not_needed' && rollback.reason === undefined && approval === undefined) {
    return [];
  }
  const lines: ViewLine[] = [];
  const target =
    rollback.target_version !== undefined
      ? ` to ${rollback.target_version} (${rollback.target_source === 'previous_version_unverified' ? "the deploy's previous version, unverified" : 'known-good'})`
      : '';
  if (!rollback.attempted) {
    const why = [rollback.reason, rollback.detail].filter(Boolean).join(': ');
    lines.push({
      text: `${NOT_RUN_WORDS[outcome] ?? outcome}${target}${why !== '' ? ` (${why})` : ''}`,
      mark: OUTCOME_MARKS[outcome] ?? 'none',
    });
  } else {
    const command = commandOutcomeOf(document);
    const exit = rollback.exit_code === null || rollback.exit_code === undefined ? '' : `, exit ${rollback.exit_code}`;
    const took = typeof rollback.duration_ms === 'number' ? ` in ${rollback.duration_ms} ms` : '';
    const commandWords = command !== undefined && command !== outcome ? ` (the command ${command})` : '';
    lines.push({
      text: `${outcome}${commandWords}${exit}${took}${target}${rollback.executor !== undefined ? `: ${rollback.executor}` : ''}`,
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
  if (approval !== undefined) lines.push(approvalLine(approval));
  if (rollback.attempted) {
    lines.push({ text: 'the verdict stays failed whatever the rollback did: the incident stays visible' });
  }
  const sections: ViewSection[] = [{ title: 'Rollback', lines }];
  const verification = verificationOf(document);
  if (verification !== undefined) {
    const expecting = verification.expected_version !== undefined ? ` expecting ${verification.expected_version}` : '';
    sections.push(roundsSection(`Verification${expecting}`, verification));
  }
  return sections;
}

function approvalLine(approval: ReturnType<typeof approvalOf> & object): ViewLine {
  const asked = approval.requested_at !== undefined ? ` asked at ${approval.requested_at}` : '';
  const until = approval.expires_at !== undefined ? `, until ${approval.expires_at}` : '';
  const answer =
    approval.decision === undefined
      ? 'waiting'
      : `${approval.decision}${approval.by !== undefined ? ` by ${approval.by}` : ''}${approval.decided_at !== undefined ? ` at ${approval.decided_at}` : ''}`;
  return {
    text: `approval${asked}${until}: ${answer}`,
    mark: approval.decision === 'approved' ? 'ok' : 'warn',
    ...(approval.approve_command !== undefined && approval.decision === undefined
      ? { children: [{ text: `approve with: ${approval.approve_command}` }] }
      : {}),
  };
}
