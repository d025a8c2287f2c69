// What `rollgate deploy --wait` prints as a deploy workflow runs: one line per round of the window or the verification,
// and one per turn of the flow (the verdict, the approval asked for, the rollback sent and how it went). Read from the
// execution history's task outputs (each a step's answer), trusting nothing in them: a field that is not what it should
// be is left out of the line, never a crash.

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { WORKFLOW_STATE } from '../../lambda/core/config/deploy-workflow-contract.ts';

interface RoundLike {
  round?: unknown;
  elapsed_s?: unknown;
  ok?: unknown;
  healthy?: unknown;
  failing?: unknown;
  in_warmup?: unknown;
  targets?: Array<{ url?: unknown; ok?: unknown; reason?: unknown; version?: unknown }>;
}

interface ProgressLike {
  phase?: unknown;
  window?: { history?: RoundLike[] };
  verdict?: { status?: unknown; status_reason?: unknown; decided_by?: unknown; message?: unknown };
  rollback?: {
    outcome?: unknown;
    reason?: unknown;
    decision?: { target_version?: unknown };
    approval?: { approve_command?: unknown; reject_command?: unknown; expires_at?: unknown };
    handle?: { id?: unknown };
    verification?: { history?: RoundLike[] };
  };
}

/** The line an event of the history is worth, or undefined. `label` prefixes it (a release's component). */
export function progressLineOf(event: HistoryEvent): string | undefined {
  const exited = event.stateExitedEventDetails;
  if (exited?.name === undefined) return undefined;
  const progress = progressOf(exited.output);
  if (progress === undefined) return undefined;
  switch (exited.name) {
    case WORKFLOW_STATE.probe_round:
      return roundLine('window', progress.window?.history?.at(-1));
    case WORKFLOW_STATE.verify_round:
      return roundLine('verification', progress.rollback?.verification?.history?.at(-1));
    case WORKFLOW_STATE.decide:
      return verdictLine(progress);
    case WORKFLOW_STATE.send_rollback: {
      const target = text(progress.rollback?.decision?.target_version);
      const id = text(progress.rollback?.handle?.id);
      return `rollback ${id !== undefined ? `sent (${id})` : `not sent: ${text(progress.rollback?.outcome) ?? 'unknown'}`}${target !== undefined ? `, to ${target}` : ''}`;
    }
    case WORKFLOW_STATE.applyApproval:
      return `approval: ${text(progress.rollback?.approval && (progress.rollback.approval as { decision?: unknown }).decision) ?? 'answered'}`;
    case WORKFLOW_STATE.finish: {
      const outcome = text(progress.rollback?.outcome);
      return outcome !== undefined && outcome !== 'not_needed' ? `rollback: ${outcome}` : undefined;
    }
    default:
      return undefined;
  }
}

/** The line for the approval task when it starts waiting: the commands that answer it. */
export function approvalLineOf(event: HistoryEvent): string | undefined {
  const entered = event.stateEnteredEventDetails;
  if (entered?.name !== WORKFLOW_STATE.requestApproval) return undefined;
  const approval = progressOf(entered.input)?.rollback?.approval;
  const approve = text(approval?.approve_command);
  const expires = text(approval?.expires_at);
  return `waiting for approval${expires !== undefined ? ` until ${expires}` : ''}${approve !== undefined ? `: ${approve}` : ''}`;
}

function verdictLine(progress: ProgressLike): string | undefined {
  const verdict = progress.verdict;
  const status = text(verdict?.status);
  if (status === undefined) return undefined;
  const reason = text(verdict?.status_reason);
  const rule = text(verdict?.decided_by);
  return `verdict: ${status}${reason !== undefined ? ` (${reason}${rule !== undefined ? `, ${rule}` : ''})` : ''}`;
}

function roundLine(window: string, round: RoundLike | undefined): string | undefined {
  if (round === undefined || typeof round.round !== 'number') return undefined;
  const healthy = typeof round.healthy === 'number' ? round.healthy : 0;
  const failing = typeof round.failing === 'number' ? round.failing : 0;
  const elapsed = typeof round.elapsed_s === 'number' ? ` at ${round.elapsed_s.toFixed(0)}s` : '';
  const warmup = round.in_warmup === true ? ', warm-up' : '';
  const failed = (round.targets ?? [])
    .filter((target) => target.ok === false)
    .map((target) => `${text(target.url) ?? '?'}: ${text(target.reason) ?? 'failing'}`)
    .slice(0, 3);
  return (
    `${window} round ${round.round}${elapsed}${warmup}: ${round.ok === true ? 'healthy' : 'failing'} ` +
    `(${healthy}/${healthy + failing})${failed.length > 0 ? ` - ${failed.join('; ')}` : ''}`
  );
}

function progressOf(json: string | undefined): ProgressLike | undefined {
  if (json === undefined) return undefined;
  try {
    const state = JSON.parse(json) as { progress?: unknown };
    return typeof state.progress === 'object' && state.progress !== null ? (state.progress as ProgressLike) : undefined;
  } catch {
    return undefined;
  }
}

/** A short printable string, or undefined: the history is the workflow's, but its text still reaches a terminal. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  return String(value)
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .slice(0, 300);
}
