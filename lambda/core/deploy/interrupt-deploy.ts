// A deploy flow stopped before its verdict (the CLI's window, when SIGINT or SIGTERM arrives: a cancelled CI job,
// Ctrl-C): the window ends where it is with the verdict failed / interrupted, which decide records like any other
// (the rounds seen so far in its window, a GateFailed alert, nothing remembered, no rollback) and finish closes (the
// deploy no longer under way). Past the verdict the flow is not cut: the rollback it decided and its verification run
// to their end.

import { describeVerdict } from '../evidence/evidence.ts';
import { decideVerdict } from '../verdict/verdict.ts';
import type { StepAnswer } from './deploy-progress.ts';
import { verdictCounts } from './window-verdict.ts';

/** The answer that ends the flow as interrupted by `signal`, or undefined when it is past its verdict. */
export function interruptDeploy(answer: StepAnswer, signal: string, at: Date): StepAnswer | undefined {
  const { progress } = answer;
  if (progress.phase !== 'watching' || progress.verdict !== undefined) return undefined;
  const verdict = decideVerdict({ targets: [], interrupted: true });
  const rounds = progress.window.rounds_done;
  return {
    progress: {
      ...progress,
      phase: 'deciding',
      verdict: {
        ...verdictCounts(verdict),
        decided_by: 'interrupted',
        message: `${describeVerdict(verdict, signal)}; the window had run ${rounds} round(s)`,
        decided_at: at.toISOString(),
        version_only: false,
      },
    },
    next: 'decide',
  };
}
