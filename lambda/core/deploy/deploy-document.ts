// A deploy's evidence document from its progress: the verdict and the deciding round's targets, the window's rounds,
// the rollback as far as it got (approval, command, verification) in the flow's words, what the run remembered, its
// alerts and faults so far, and links to the records before it.

import { buildEvidence, type EvidenceDocument } from '../evidence/evidence.ts';
import { evidenceWindowOf } from '../evidence/evidence-window.ts';
import { plannedRollbackResult, targetFields } from '../gate/planned-rollback-result.ts';
import type { EvidenceStage } from '../gate/ports.ts';
import { rollbackNotAttempted, type RollbackResult } from '../rollback/rollback-result.ts';
import type { DeployPorts } from './deploy-ports.ts';
import type { DeployProgress, DeployVerdict } from './deploy-progress.ts';
import { verdictCounts } from './window-verdict.ts';

export function deployDocument(
  progress: DeployProgress,
  verdict: DeployVerdict,
  ports: Pick<DeployPorts, 'gate'>,
  now: Date,
  stage: EvidenceStage,
): EvidenceDocument {
  const startedAt = new Date(progress.started_at);
  const gate = ports.gate;
  const base = buildEvidence({
    verdict: verdictCounts(verdict),
    message: verdict.message,
    startedAt,
    finishedAt: now,
    durationMs: Math.max(0, now.getTime() - startedAt.getTime()),
    expectedVersion: progress.expected_version ?? undefined,
    targets: progress.verdict_targets ?? [],
    rollback: rollbackRecordOf(progress),
    context: progress.context,
    settings: {
      timeout_ms: gate.timeoutMs,
      retries: gate.retries,
      backoff_ms: gate.backoffMs,
      concurrency: gate.concurrency,
      max_body_bytes: gate.maxBodyBytes,
    },
    faults: progress.faults,
  });
  const notListed = progress.verdict_targets_not_listed ?? 0;
  const notes = [
    ...progress.notes,
    ...(notListed > 0
      ? [`${notListed} target(s) of the deciding round are counted but not listed, to keep the record small`]
      : []),
  ];
  const links =
    stage === 'verdict'
      ? {}
      : Object.fromEntries(
          Object.entries({
            verdict: progress.evidence.verdict,
            ...(stage === 'delivery' ? { rollback: progress.evidence.rollback } : {}),
          }).filter(([, uri]) => uri !== undefined),
        );
  return {
    ...base,
    stage,
    alerts: progress.alerts,
    ...(Object.keys(links).length > 0 ? { links } : {}),
    ...(progress.state !== undefined ? { state: progress.state } : {}),
    ...(notes.length > 0 ? { notes } : {}),
    decided_by: verdict.decided_by,
    ...(progress.window.rounds_done > 0
      ? {
          window: evidenceWindowOf(
            progress.window,
            progress.policy.window,
            progress.expected_version,
            verdict.decided_by === 'success_threshold' ||
              verdict.decided_by === 'failure_threshold' ||
              verdict.decided_by === 'window_elapsed'
              ? verdict.decided_by
              : undefined,
          ),
        }
      : {}),
  };
}

/** The rollback as the record states it: the planner's decision until something ran, then the command's result. */
export function rollbackRecordOf(progress: DeployProgress): RollbackResult {
  const rollback = progress.rollback;
  if (rollback === undefined) return rollbackNotAttempted('not_needed');
  const decision = rollback.decision;
  const target = decision.action === 'run' || decision.action === 'await_approval' ? targetFields(decision) : {};
  const approval =
    rollback.approval === undefined
      ? {}
      : {
          approval: {
            requested_at: rollback.approval.requested_at,
            expires_at: rollback.approval.expires_at,
            approve_command: rollback.approval.approve_command,
            decision: rollback.approval.decision ?? null,
            ...(rollback.approval.decided_at !== undefined ? { decided_at: rollback.approval.decided_at } : {}),
            ...(rollback.approval.by !== undefined ? { by: rollback.approval.by } : {}),
          },
        };
  const verification =
    rollback.verification === undefined
      ? {}
      : {
          verification: evidenceWindowOf(
            rollback.verification,
            progress.policy.verify,
            target.target_version ?? null,
            rollback.verification_decided_by,
          ),
        };
  const why = {
    ...(rollback.reason !== undefined ? { reason: rollback.reason } : {}),
    ...(rollback.detail !== undefined ? { detail: rollback.detail } : {}),
  };
  const result = rollback.result;
  if (result !== undefined) {
    return {
      ...result,
      ok: rollback.outcome === 'recovered' ? true : rollback.outcome === 'pending' ? null : false,
      outcome: rollback.outcome,
      command_outcome: result.outcome,
      ...target,
      ...why,
      ...verification,
      ...approval,
    };
  }
  return { ...plannedRollbackResult(decision), outcome: rollback.outcome, ...target, ...why, ...approval };
}
