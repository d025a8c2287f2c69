// What `rollgate gate --window` (and `rollgate deploy --local`) prints as the deploy flow runs in-process: a line per
// round of the window and of the verification, and one per turn of the flow (the verdict, the approval asked for, the
// rollback sent and how it went). Every text in them was made printable and redacted by the probes and the steps.

import type { DeployNext, DeployProgress, StepAnswer } from '../../../lambda/core/deploy/deploy-progress.ts';
import type { WindowRound } from '../../../lambda/core/window/round.ts';

/** Failing targets named in a round's line. */
const TARGETS_NAMED = 3;

export interface ProgressLine {
  readonly text: string;
  /** A round: on a terminal it replaces the previous round's line rather than adding one. */
  readonly round: boolean;
}

/** The lines a step is worth, after it ran. */
export function progressLinesOf(step: DeployNext, answer: StepAnswer): ProgressLine[] {
  const { progress } = answer;
  switch (step) {
    case 'probe_round': {
      const round = progress.window.history.at(-1);
      const lines = round === undefined ? [] : [{ text: roundLine('window', round), round: true }];
      return answer.next === 'decide' ? [...lines, ...verdictLines(progress)] : lines;
    }
    case 'verify_round': {
      const round = progress.rollback?.verification?.history.at(-1);
      const lines = round === undefined ? [] : [{ text: roundLine('verification', round), round: true }];
      return answer.next === 'finish'
        ? [...lines, event(`rollback: ${progress.rollback?.outcome ?? 'unknown'}`)]
        : lines;
    }
    case 'decide':
      return decideLines(progress);
    case 'await_approval': {
      const approval = progress.rollback?.approval;
      return approval?.decision !== undefined
        ? [event(`approval: ${approval.decision}${approval.by !== undefined ? ` by ${approval.by}` : ''}`)]
        : [];
    }
    case 'send_rollback': {
      const rollback = progress.rollback;
      const decision = rollback?.decision;
      const target =
        decision?.action === 'run' && decision.target !== undefined ? `, to ${decision.target.version}` : '';
      if (rollback?.handle !== undefined) return [event(`rollback sent${target}`)];
      return [
        event(
          `rollback ${rollback?.outcome ?? 'not sent'}${rollback?.detail !== undefined ? `: ${rollback.detail}` : ''}`,
        ),
      ];
    }
    case 'poll_rollback': {
      const result = progress.rollback?.result;
      if (result === undefined) return [];
      return [event(`rollback command ${result.outcome}${answer.next === 'verify_round' ? ', verifying' : ''}`)];
    }
    default:
      return [];
  }
}

/** `window round 3 at 20s, warm-up: failing (1/2) - api: [STATUS] 503 in [200-299]` */
export function roundLine(window: 'window' | 'verification', round: WindowRound): string {
  const warmup = round.in_warmup ? ', warm-up' : '';
  const failing = round.targets
    .filter((target) => !target.ok)
    .slice(0, TARGETS_NAMED)
    .map((target) => `${target.name ?? target.url}: ${target.reason ?? 'failing'}`);
  return (
    `${window} round ${round.round} at ${Math.round(round.elapsed_s)}s${warmup}: ` +
    `${round.ok ? 'healthy' : 'failing'} (${round.healthy}/${round.healthy + round.failing})` +
    `${failing.length > 0 ? ` - ${failing.join('; ')}` : ''}`
  );
}

function verdictLines(progress: DeployProgress): ProgressLine[] {
  const verdict = progress.verdict;
  return verdict === undefined
    ? []
    : [event(`verdict: ${verdict.status} (${verdict.status_reason}, ${verdict.decided_by})`)];
}

function decideLines(progress: DeployProgress): ProgressLine[] {
  const rollback = progress.rollback;
  if (rollback?.outcome === 'awaiting_approval' && rollback.approval !== undefined) {
    return [event(`waiting for approval until ${rollback.approval.expires_at}: ${rollback.approval.approve_command}`)];
  }
  if (rollback?.outcome === 'suppressed') return [event(`rollback suppressed (${rollback.reason ?? 'unknown'})`)];
  return [];
}

function event(text: string): ProgressLine {
  return { text, round: false };
}
