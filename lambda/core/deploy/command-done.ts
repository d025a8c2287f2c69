// What follows the rollback command once it is done: a command that succeeded is verified (a window expecting the
// rollback's target version); one that failed, timed out or could not be sent alerts RollbackFailed and ends the flow.

import { planAfterRollback } from '../plan/plan-after-rollback.ts';
import type { RollbackResult } from '../rollback/rollback-result.ts';
import { startWindow } from '../window/window-state.ts';
import type { DeployProgress, StepAnswer } from './deploy-progress.ts';

export function afterCommand(progress: DeployProgress, result: RollbackResult, now: Date): StepAnswer {
  const rollback = progress.rollback!;
  const { handle: _followed, ...rest } = rollback;
  if (result.ok === true) {
    return {
      progress: {
        ...progress,
        phase: 'verifying',
        rollback: { ...rest, result, outcome: 'pending', verification: startWindow(now) },
      },
      next: 'verify_round',
    };
  }
  const decision = rollback.decision;
  const follow_ups =
    decision.action === 'run'
      ? planAfterRollback({ decision, result, service: undefined, stateful: false, at: now }).alerts
      : [];
  const timedOut = result.outcome === 'timed_out' || result.outcome === 'wait_timed_out';
  return {
    progress: {
      ...progress,
      phase: 'finishing',
      rollback: { ...rest, result, outcome: timedOut ? 'timed_out' : 'failed', follow_ups },
    },
    next: 'finish',
  };
}
